"""Account tokens: personal access tokens of people and the tokens of service accounts. One
table, one format (``user:…`` with a checksum), one lifecycle; each lets its account call the
Admin API as itself."""
