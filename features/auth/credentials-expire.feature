@auth @catalog @local-only @mcp-admin-tools-not-driven
Feature: The catalog's S3 credentials end at their Expiration
  The S3 credentials the catalog hands a user are temporary, as AWS's are: they carry an
  Expiration, the storage itself refuses them after it, and the next exchange gives fresh ones.
  On a real stack their lifetime is the deployment's (an hour or more), so this runs on the local
  stack, where an admin can make one user's credentials short-lived.

  Scenario: S3 refuses credentials after their Expiration, and a fresh exchange works
    Given Dana has created the user "short-lived" with the role "ReadQuiltBucket"
    And the local stack hands "short-lived" credentials that last 4 seconds
    When "short-lived" exchanges their token for S3 credentials
    Then S3 accepts those credentials before their Expiration and refuses them after it
    And the next exchange gives "short-lived" fresh credentials that S3 accepts
