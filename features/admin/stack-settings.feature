@admin @catalog
Feature: An admin reads who is in the stack and changes its settings
  Besides granting access, an admin keeps an eye on who is in the stack — every user with their
  roles, every role — and changes settings that hold for the whole stack: whether Tabulator's
  tables may be queried openly, and how users who sign in through SSO get their roles. What the
  admin changes is what the registry keeps and what the next reading shows. Each
  setting is put back as it was after the scenario. On a stack with SSO in use, the configuration
  uploaded is the stack's own with a line of comment added, so SSO users keep their roles; its
  removal pauses SSO sign-in until the scenario puts it back, about a second later.

  Scenario: Dana's lists show a new user with their roles as the registry records them, and every role
    Given Dana has made a policy granting read-write on the test bucket and the role "writers" from it
    And Dana has created the user "listed" with the role "ReadQuiltBucket" and the extra role "writers"
    When Dana lists the stack's users and roles
    Then the users Dana listed include "listed" with the role "ReadQuiltBucket" and the extra role "writers", as the registry records them
    And the roles Dana listed include "writers" and "ReadQuiltBucket"

  @stack-settings
  Scenario: Dana switches Tabulator's open query on and off, and each reading of the settings shows it
    Given the stack's Tabulator open query setting is put back as it is after this scenario
    When Dana switches Tabulator's open query on
    Then the registry and Dana's reading of the settings both say Tabulator's open query is on
    When Dana switches Tabulator's open query off
    Then the registry and Dana's reading of the settings both say Tabulator's open query is off

  @stack-settings
  Scenario: An SSO configuration Dana uploads is kept, with her as its uploader, until she removes it
    Given the stack's SSO configuration is put back as it is after this scenario
    When Dana uploads an SSO configuration mapping the group "lab-members" to the role "ReadQuiltBucket"
    Then the registry and Dana's reading of the settings both hold the SSO configuration she uploaded, with her as the uploader
    When Dana removes the SSO configuration
    Then the registry and Dana's reading of the settings both hold no SSO configuration
