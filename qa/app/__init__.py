"""What people use: the ``policyqa`` command (cli), the web app (ui, with the 政策找人 tab in
web_match and the staff views in views), its access rules (guard), the question log (qlog) and
the example questions a library offers (examples)."""
