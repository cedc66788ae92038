@admin @catalog @local-only @mcp-admin-tools-not-driven
Feature: Admins choose the buckets the catalog serves
  An admin adds a bucket to the catalog — here with quilt3's own admin API — and from then on the
  catalog lists it, its files are found by search, and a policy may grant it: the storage lets the
  role's users read it. Removing the bucket takes it out of the catalog and out of every policy,
  and leaves its files where they are. A real deployment's buckets are its operators' (adding one
  wires its notifications and indexing), so this runs on the local stack, where a scenario may
  make a bucket of its own.

  Scenario: A bucket an admin adds is listed, searchable, and readable by a role that grants it
    Given Dana has made a new bucket holding the file "notes/day-one.txt"
    When Dana adds the new bucket to the catalog with quilt3, titled "Field notes"
    Then the catalog lists the new bucket titled "Field notes"
    And a search of the new bucket finds "notes/day-one.txt"
    And a user whose role grants read on the new bucket reads "notes/day-one.txt" with the catalog's credentials

  Scenario: A bucket an admin removes leaves the catalog and every policy, and its files stay
    Given Dana has made a new bucket holding the file "notes/day-one.txt"
    And Dana has added the new bucket to the catalog, and the role "field-readers" granting read on it
    When Dana removes the new bucket from the catalog with quilt3
    Then the catalog no longer lists the new bucket, and no policy grants it
    And the credentials of a user with the role "field-readers" may not read "notes/day-one.txt" any more
    And S3 still holds "notes/day-one.txt" in the new bucket
