@admin @auth @catalog
Feature: Admins grant and take away access through roles
  In a Quilt stack an admin decides who may do what: policies grant read or read-write on
  buckets, roles are built from policies, and every user works with the temporary credentials of
  their role. What an admin grants, the storage itself enforces; what an admin takes away is gone
  from the user's next credentials. Nobody but an admin can change any of it.

  Scenario: A new user with a read-write role writes to the bucket, and pushes with quilt3, with the credentials of that role
    Given Dana has made a policy granting read-write on the test bucket and the role "writers" from it
    When Dana creates the user "newcomer" with the role "writers"
    Then the credentials "newcomer" gets from the catalog read the test bucket and write to it
    And with those credentials quilt3 pushes the package "newcomer/first", and the registry holds exactly its files

  Scenario: A user switched to a read-only role may read and may no longer write
    Given Dana has made a policy granting read-write on the test bucket and the role "writers" from it
    And Dana has created the user "switcher" with the role "writers"
    When Dana switches "switcher" to the role "ReadQuiltBucket"
    Then the credentials "switcher" gets from the catalog read the test bucket but may not write to it

  @mcp-admin-tools-not-driven
  Scenario: A user with two roles switches to the other and gets its rights
    Given Dana has made a policy granting read-write on the test bucket and the role "writers" from it
    And Dana has created the user "two-hats" with the role "ReadQuiltBucket" and the extra role "writers"
    When "two-hats" switches their own role to "writers"
    Then the credentials "two-hats" gets from the catalog read the test bucket and write to it

  Scenario: An extra role Dana gives a user shows in their record and grants its rights, until she takes it back
    Given Dana has made a policy granting read-write on the test bucket and the role "writers" from it
    And Dana has created the user "helper" with the role "ReadQuiltBucket"
    When Dana gives "helper" the extra role "writers"
    And Dana looks up "helper"
    Then what Dana looked up is the registry's record of "helper": the role "ReadQuiltBucket" and the extra role "writers"
    When "helper" switches their own role to "writers"
    Then the credentials "helper" gets from the catalog read the test bucket and write to it
    When Dana takes the role "writers" from "helper", falling back to "ReadQuiltBucket"
    Then the registry holds "helper" with the role "ReadQuiltBucket" and no extra role
    And the credentials "helper" gets from the catalog read the test bucket but may not write to it

  Scenario: A user Dana makes an admin is told so, with the new email she gave them, until she takes it back
    Given Dana has created the user "deputy" with the role "ReadQuiltBucket"
    When Dana makes "deputy" an admin and gives them a new email
    Then the session endpoint tells "deputy" they are an admin, with the new email
    When Dana takes admin rights from "deputy"
    Then the session endpoint tells "deputy" they are no longer an admin

  @reads-mail
  Scenario: A user whose password Dana resets sets a new one with the link they get, and signs in with it
    Given Dana has created the user "forgetful" with the role "ReadQuiltBucket"
    And "forgetful" has set a password with the link of their invitation
    When Dana resets the password of "forgetful"
    Then a new link reaches "forgetful"; with it they set a new password and sign in with it, and no longer with the old one

  @mcp-admin-tools-not-driven
  Scenario: A non-admin asking to create a role is refused, and nothing changes
    When Rita asks the catalog to create the role "sneaky"
    Then the catalog refuses Rita because only admins may do that
    And the roles Dana lists are the same as before Rita asked

  Scenario: A deactivated user is refused at every entry point
    Given Dana has created the user "paused" with the role "ReadQuiltBucket"
    When Dana deactivates "paused"
    Then GraphQL, the search API, the session endpoint and the credentials endpoint all refuse "paused" with 401
    And the web catalog signs "paused" out: no bucket is shown

  Scenario: A user activated again may work again
    Given Dana has created the user "returning" with the role "ReadQuiltBucket"
    And Dana has deactivated "returning"
    When Dana activates "returning" again
    Then the credentials "returning" gets from the catalog read the test bucket but may not write to it
    And the web catalog shows "returning" the test bucket's overview

  Scenario: A deleted user's token is refused
    Given Dana has created the user "leaver" with the role "ReadQuiltBucket"
    When Dana deletes the user "leaver"
    Then GraphQL, the search API, the session endpoint and the credentials endpoint all refuse "leaver" with 401
    And the web catalog signs "leaver" out: no bucket is shown

  @errors @mcp-admin-tools-not-driven
  Scenario: A policy for a bucket the stack does not serve is refused, and nothing is written
    When Dana makes a policy granting read on the bucket "no-such-bucket-anywhere"
    Then the catalog refuses the policy, naming that bucket and the buckets it serves
    And the policies Dana lists are the same as before she asked

  @errors @mcp-admin-tools-not-driven
  Scenario: A role users have is not deleted, and nothing changes
    Given Dana has made a policy granting read-write on the test bucket and the role "writers" from it
    And Dana has created the user "holder" with the role "writers"
    When Dana deletes the role "writers", which "holder" has
    Then the catalog answers "RoleAssigned" about "-", saying "-"
    And the roles, policies and users Dana lists are as before she asked

  @errors @mcp-admin-tools-not-driven
  Scenario Outline: A request the admin API cannot honour is refused in Quilt's words, and nothing is half-written
    When <request>
    Then the catalog answers "<answer>" about "<field>", saying "<words>"
    And the roles, policies and users Dana lists are as before she asked

    Examples:
      | request                                                           | answer              | field       | words                   |
      | Dana creates a second role named "ReadQuiltBucket"                | RoleNameExists      | -           | -                       |
      | Dana creates the user "mail-test" with the email "not-an-email"   | InvalidInput        | input.email | is not an email address |
      | Dana deactivates "nobody-at-all", who is no user of the stack     | null (no such user) | -           | -                       |
