"""CDK app of the customs credit system: one stack composed of one construct per capability."""
