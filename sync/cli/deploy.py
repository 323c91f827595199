"""``hubshop deploy``: theme and modules, the products table, the AWS stack and webhooks."""

from __future__ import annotations

import click

from sync import env_names as E
from sync.cli.context import AppContext, pass_app
from sync.cli.options import dry_run_option, finish, json_option


@click.command("deploy")
@click.option("--stack", envvar=E.HUBSHOP_STACK, metavar="NAME",
              help=f"CloudFormation stack name (env {E.HUBSHOP_STACK}, [service] stack, or the"
              " root --stack; default hubshop).")
@click.option("--theme-env", type=click.Choice(["draft", "published"]), default="published",
              show_default=True, help="Design manager environment the theme goes to.")
@dry_run_option
@json_option
@pass_app
def deploy(app: AppContext, stack: str | None, theme_env: str, dry_run: bool,
           as_json: bool) -> None:
    """Deploy everything, then say what is left: theme, table, stack, webhooks.

    \b
    1. validate and upload the theme and modules (unchanged files skipped);
    2. sync the HubDB products table, creating it if needed, and publish it;
    3. build and `sam deploy` the inventory service (printed when the SAM CLI
       is not installed, or when the store's domain is not set);
    4. subscribe Shopify's webhooks at the stack's WebhookUrl.

    Steps whose service is not configured are listed as left to do, with the
    command. Exit 1 if a step failed.

    \b
    Example:
      hubshop deploy --dry-run
      hubshop deploy --stack hubshop --json
    """
    from sync.jobs.deploy import run_deploy

    settings = app.settings()
    if not as_json:
        app.announce(settings)
    stack = stack or settings.service.stack or "hubshop"
    report = run_deploy(settings, stack=stack, dry_run=dry_run, theme_env=theme_env,
                        clock=app.clock)
    finish(report, as_json)
