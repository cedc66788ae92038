@errors @registry @s3
Feature: Bad input is refused by the platform, explained, and leaves no trace
  A mistyped package name, bucket, S3 URI, logical key or hash reaches the registry and is
  refused there before anything is written. The refusal names each wrong field by its path, says
  what was wrong and shows what a right value looks like, and the scenario's namespace of the
  registry stays empty.

  Background:
    Given Dana has uploaded these files to the folder "data/":
      | name      | content          |
      | file1.csv | col1,col2\n1,2\n |

  Scenario: A package name with too many slashes is refused with the expected format, and nothing is written
    When Dana asks the registry to publish "test/name/with/too/many/slashes" from "data/file1.csv"
    Then nothing was written to the registry for "test/name/with/too/many/slashes"
    And the registry refuses it as invalid input at "params.name", naming "package name" and "format" and showing an example

  Scenario: A bucket given as a web address is refused as a bad bucket name before anything is written
    When Dana asks the registry to publish "test/registry" from "data/file1.csv" in the bucket "https://example.com/my-bucket"
    Then the registry refuses it as invalid input at "params.bucket", naming "bucket name" and "https://example.com/my-bucket" and showing an example

  Scenario Outline: A file given by a malformed S3 URI is refused with the right form shown, and nothing is written
    When Dana asks the registry to publish "test/uris" with the file "<uri>" as "file.csv"
    Then nothing was written to the registry for "test/uris"
    And the registry refuses it as invalid input at "src.entries[0].physicalKey", naming "s3://" and "uri" and showing an example

    Examples: not an S3 URI at all
      | uri                     |
      | not-an-s3-uri           |
      | https://bucket/file.csv |

    Examples: an S3 URI missing a part
      | uri                            |
      | s3://                          |
      | s3://bucket-only               |
      | s3://Not_A_Bucket/file.csv     |
      | s3://bucket/file.csv?color=red |

  @mcp-cannot-name-files
  Scenario: A logical key that climbs out of the package is refused at its path, and nothing is written
    When Dana asks the registry to publish "test/keys" with the file "data/file1.csv" as "../outside.csv"
    Then nothing was written to the registry for "test/keys"
    And the registry refuses it as invalid input at "src.entries[0].logicalKey", naming "logical key" and ".." and showing an example

  @mcp-cannot-claim-hash
  Scenario: A hash that does not match the file is refused at its path, and nothing is written
    When Dana asks the registry to publish "test/hashes" with the file "data/file1.csv" claiming a SHA-256 of only zeros
    Then nothing was written to the registry for "test/hashes"
    And the registry refuses it at "src.entries[0].hash" because the real hash of "data/file1.csv" differs, naming both hashes
