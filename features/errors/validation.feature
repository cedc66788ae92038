@errors @registry @s3
Feature: Bad input is refused early, explained, and leaves no trace
  A mistyped package name, S3 URI or registry is caught before anything is written. The message
  says what was wrong and shows what a right value looks like, and the registry is untouched.

  Background:
    Given Dana has uploaded these files to the folder "data/":
      | name      | content          |
      | file1.csv | col1,col2\n1,2\n |

  Scenario: A package name with too many slashes is refused with the expected format, and nothing is written
    When Dana tries to create a package named "invalid/name/with/too/many/slashes" from "data/file1.csv"
    Then the attempt is refused with a message that names "package name" and "format" and shows an example
    And nothing was written to the registry for "invalid/name/with/too/many/slashes"

  Scenario: A registry that is not an S3 bucket URI is refused before anything is written
    When Dana tries to create the package "test/registry" from "data/file1.csv" in the registry "https://example.com/my-bucket"
    Then the attempt is refused with a message that names "registry" and "s3://" and shows an example

  Scenario Outline: A malformed S3 URI is refused with the right form shown
    When Dana tries to look up the object "<uri>"
    Then the attempt is refused with a message that names "s3://" and "uri" and shows an example

    Examples: not an S3 URI at all
      | uri                     |
      | not-an-s3-uri           |
      | https://bucket/file.csv |

    Examples: an S3 URI missing a part
      | uri                           |
      | s3://                         |
      | s3://bucket-only              |
      | s3://Not_A_Bucket/file.csv    |
      | s3://bucket/file.csv?color=red |
