@admin @auth @catalog @mcp-admin-tools-not-driven
Feature: Admins grant and take away access through roles
  In a Quilt stack an admin decides who may do what: policies grant read or read-write on
  buckets, roles are built from policies, and every user works with the temporary credentials of
  their role. What an admin grants, the storage itself enforces; what an admin takes away is gone
  from the user's next credentials. Nobody but an admin can change any of it.

  Scenario: A new user with a read-write role writes to the bucket with the credentials of that role
    Given Dana has made a policy granting read-write on the test bucket and the role "writers" from it
    When Dana creates the user "newcomer" with the role "writers"
    Then the credentials "newcomer" gets from the catalog read the test bucket and write to it

  Scenario: A user switched to a read-only role may read and may no longer write
    Given Dana has made a policy granting read-write on the test bucket and the role "writers" from it
    And Dana has created the user "switcher" with the role "writers"
    When Dana switches "switcher" to the role "ReadQuiltBucket"
    Then the credentials "switcher" gets from the catalog read the test bucket but may not write to it

  Scenario: A non-admin asking to create a role is refused, and nothing changes
    When Rita asks the catalog to create the role "sneaky"
    Then the catalog refuses Rita because only admins may do that
    And the roles Dana lists are the same as before Rita asked
