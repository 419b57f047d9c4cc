"""Who is calling: access tokens from the configured OIDC issuers, verified once by the API's one
authorizer (`functions/authorizer`), whose context `shared/api/auth.py` reads in every handler."""
