"""Flag usage as SDKs report it: yes/no counts per flag, application, environment and hour."""
