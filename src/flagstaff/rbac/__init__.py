"""Who may do what: the one ``Principal`` every caller becomes, Unleash's permissions, the
predefined roles, the grants an account holds, and ``policy.is_allowed``, the one function that
decides."""
