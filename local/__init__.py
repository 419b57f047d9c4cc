"""The embedded local runtime: the synthesized CDK stack on an in-process AWS emulator (moto),
served on loopback with one command (`make local`). See local/README.md."""
