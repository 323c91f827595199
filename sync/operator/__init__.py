"""The operator's views: payouts, the doctor, the console page and one-command deploy."""
