"""Projects: created, changed, archived and revived; the environments each one uses; who holds
which role in it (access); and how a project is shown."""
