@catalog @browser
Feature: The catalog shows how often a package is read
  Quilt's catalog shows each package's views: how many times its manifests were read — by quilt3,
  by any program reading S3, by the catalog itself — as the storage's own record of reads counts
  them (CloudTrail on AWS, the S3 front's access log on the local stack). A person sees them in the
  package list. A client that keeps a manifest it has read (quilt3 caches them) reads it once.

  Scenario: Reading a package shows as views in the catalog's package list
    Given Dana has uploaded these files to the folder "views/":
      | name      | content              |
      | reads.csv | day,reads\nmon,3\n   |
    And Dana has created the package "views/read-often" from "views/reads.csv"
    And the catalog has counted the views of "views/read-often" so far
    When Rita browses the package "views/read-often"
    Then the catalog counts at least one more view of "views/read-often", made today
    And the catalog's package list shows Rita "views/read-often" with those views
