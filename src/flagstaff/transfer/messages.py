"""What validation says, in Unleash's words where Unleash has them."""

from __future__ import annotations

STRATEGIES = "We detected the following custom strategy that needs to be created first:"
CONTEXT_FIELDS = (
    "We detected the following context fields that do not have matching legal values with the "
    "imported ones:"
)
DUPLICATES = "We detected the following features are duplicate in your import data:"
SEGMENTS = "We detected the following segments that need to be created first:"
DEPENDENCIES = "We detected the following dependencies that need to be created first:"
# Flagstaff's own checks: each stands for an error the import would otherwise meet half-way.
INVALID_NAMES = "The following feature names are not valid flag names:"
UNKNOWN_FLAG_ITEMS = (
    "The following items belong to features that are not in the import's `features` list:"
)
ENVIRONMENT_NOT_ENABLED = (
    "The target project does not use the following environment; add it to the project first:"
)
WOULD_FAIL = "Importing this data would fail:"
UNKNOWN_TAG_TYPES = "The following tags use tag types that neither exist nor are imported:"

CUSTOM_STRATEGIES = (
    "The following strategy types will be used in import. Please make sure the strategy type "
    "parameters are configured as in source environment:"
)
ARCHIVED = (
    "The following features will not be imported as they are currently archived. To import "
    "them, please unarchive them first:"
)
EXISTING = "The following features already exist in this project and will be overwritten:"
LINKS = "Flagstaff keeps no feature links; the links of these features will not be imported:"

PERMISSIONS = "We detected you are missing the following permissions:"

NO_ADMIN_TOKENS = (
    "You can't use an admin token to import features. Please use either a personal access token "
    "(https://docs.getunleash.io/concepts/api-tokens-and-client-keys#personal-access-tokens) or a "
    "service account (https://docs.getunleash.io/concepts/service-accounts)."
)


def other_project(project: str) -> str:
    return (
        "You cannot import a features that already exist in other projects. You already have the "
        f"following features defined outside of project {project}:"
    )


def limit(new: int, current: int, maximum: int) -> str:
    return (
        f"We detected you want to create {new} new features to a project that already has "
        f"{current} existing features, exceeding the maximum limit of {maximum}."
    )
