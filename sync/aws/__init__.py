"""Adapters over AWS's own APIs (CloudFormation, SQS, Scheduler) for the operator's views."""
