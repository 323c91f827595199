"""One Powertools ``Logger`` per function, with hubshop's own loggers writing through it.

Library modules log with ``logging.getLogger(__name__)`` under ``sync``;
inside Lambda, copying the Powertools configuration onto the ``sync`` logger
makes their lines structured JSON with the Lambda context too. Elsewhere
(``hubshop serve``, tests) the process's own logging set-up is left alone.
Events are never logged whole (``log_event`` stays off): order webhooks carry
personal data.
"""

from __future__ import annotations

import logging
import os

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers

SERVICE = "hubshop-inventory"
LAMBDA_ENV = "AWS_LAMBDA_FUNCTION_NAME"  # set by the Lambda runtime


def service_logger(service: str = SERVICE) -> Logger:
    """A Powertools Logger for ``service``, also formatting every ``sync.*`` logger."""
    from sync.plumbing.redact import RedactingFilter

    logger = Logger(service=service)
    if os.environ.get(LAMBDA_ENV):
        logging.getLogger("sync")  # make sure the parent exists before copying the config
        copy_config_to_registered_loggers(source_logger=logger, include={"sync"})
        for handler in logging.getLogger("sync").handlers:
            handler.addFilter(RedactingFilter())
    return logger
