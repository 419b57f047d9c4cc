"""`python -m local` (what `make local` runs): the whole system on loopback until Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from local.banner import banner
from local.emulator import EmulatorPortInUse
from local.runtime import Options, Runtime

SWITCH_INTERVAL_S = 0.0005
"""The runtime serves the API, the emulator (workers call it over HTTP) and its own threads in one
process: a thread waiting for the GIL is handed it sooner than Python's default 5 ms, so a worker's
DynamoDB call does not queue behind a busy thread for a whole interval."""


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m local", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 3000)),
                        help="API and /_local routes (default 3000; 0 picks a free port)")
    parser.add_argument("--emulator-port", type=int, default=int(os.environ.get("EMULATOR_PORT", 4566)),
                        help="the AWS emulator endpoint for the AWS CLI and boto3 (default 4566; 0 = free port)")
    parser.add_argument("--host", default="127.0.0.1", help="listen address (default 127.0.0.1, loopback only)")
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("LOCAL_DATA_DIR", ".local-data")),
                        help="where DynamoDB contents, clients and the signing key are kept (default .local-data)")
    parser.add_argument("--cdk-out", type=Path, default=Path("cdk.out"), help="the synthesized cloud assembly")
    parser.add_argument("--stack", default=None, help="stack name when the assembly holds several")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--fresh", action="store_true", help="start with empty tables and no created clients")
    parser.add_argument("--seed", choices=["demo"], help="register the demo enterprises through the API")
    parser.add_argument("--save-every", type=float, default=30.0, help="seconds between table snapshots")
    parser.add_argument("--log-level", default=os.environ.get("LOCAL_LOG_LEVEL", "INFO"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("botocore").setLevel(logging.WARNING)
    return Options(port=args.port, emulator_port=args.emulator_port, host=args.host, data_dir=args.data_dir,
                   cdk_out=args.cdk_out, stack=args.stack, region=args.region, fresh=args.fresh, seed=args.seed,
                   save_every_s=args.save_every)


class StartInterrupted(BaseException):
    """A signal arrived before the runtime was up: start-up is abandoned, not waited for. A
    BaseException, like KeyboardInterrupt, so that no `except Exception` on the way swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    stop = threading.Event()
    starting = True

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        if stop.is_set():  # a second Ctrl-C: the user means it
            os._exit(130)
        stop.set()
        if starting:  # runs in the main thread, inside start(): abandon it
            raise StartInterrupted(signum)

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    log = logging.getLogger("local")
    runtime: Runtime | None = None
    try:
        runtime = Runtime(options)
        runtime.start(announce=lambda rt: print(banner(rt), flush=True))
        starting = False
    except StartInterrupted as interrupted:
        starting = False  # the stop event is set: a further signal ends the process at once
        print(f"\nstopping during start-up ({interrupted}) ...", flush=True)
        if runtime is not None:
            runtime.stop()
        return 128 + interrupted.signum
    except EmulatorPortInUse as busy:
        starting = False
        stop.set()
        log.error("the local runtime could not start: %s. Stop what uses port %d, or pick another port "
                  "with --emulator-port N or EMULATOR_PORT=N (0 picks a free one).", busy, busy.port)
        if runtime is not None:
            runtime.stop()
        return 1
    except Exception as exc:
        starting = False
        stop.set()
        log.error("the local runtime could not start: %s", exc, exc_info=True)
        if runtime is not None:
            runtime.stop()
        return 1
    while not stop.wait(0.5):
        pass
    print("\nstopping: saving tables ...", flush=True)
    assert runtime is not None
    runtime.stop()
    print("stopped.", flush=True)
    lingering = [t.name for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
    if lingering:
        logging.getLogger("local").warning("ending with threads still running: %s", ", ".join(lingering))
    # Everything is saved and closed by now. A normal interpreter exit would then wait for any
    # handler still running in a thread (it cannot be interrupted) and garbage-collect the
    # emulator's whole object graph, which took 5-10 s after "stopped." was printed.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
