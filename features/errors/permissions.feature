@errors @auth @s3
Feature: Permission failures are real, explained and contained
  Access is decided by the storage itself, not guessed: a reader can read but not write, an
  outsider cannot even list, and every refusal names the bucket and says what to do about it.

  Background:
    Given Dana has uploaded these files to the folder "data/":
      | name      | content          |
      | file1.csv | col1,col2\n1,2\n |

  Scenario: An outsider listing the bucket is refused with AccessDenied that names the bucket
    When Otto tries to list the folder "data/"
    Then the attempt is refused with AccessDenied, naming the test bucket and suggesting a remedy

  Scenario: A reader cannot write to the bucket, and nothing is written
    When Rita tries to upload the file "new.csv" to the folder "data/"
    Then the attempt is refused with AccessDenied, naming the test bucket and suggesting a remedy
    And there is no object "data/new.csv"

  Scenario Outline: The access check measures what <persona> may do with real calls, write included
    When <persona> checks what <pronoun> may do in the test bucket
    Then the access check reports "<level>": list <list>, read <read>, write <write>

    Examples:
      | persona | pronoun | level       | list | read | write |
      | Dana    | she     | full_access | yes  | yes  | yes   |
      | Rita    | she     | read_only   | yes  | yes  | no    |
      | Otto    | he      | no_access   | no   | no   | no    |

  @catalog
  Scenario Outline: The buckets <persona> is shown are those S3 lets <pronoun> list
    When <persona> lists the buckets the catalog shows <object>
    Then every bucket shown is one S3 lets <persona> list, and the test bucket is shown exactly when S3 does

    Examples:
      | persona | pronoun | object |
      | Rita    | her     | her    |
      | Otto    | him     | him    |

  @catalog
  Scenario Outline: Permission discovery names <persona>'s own role and what it may really do
    When <persona> discovers <own> permissions on the test bucket
    Then the caller discovered is a session of <persona>'s role, with the ARN the admin's role list gives it
    And the discovery says <pronoun> may list: <list>, read: <read>, write: <write> in the test bucket

    Examples:
      | persona | own | pronoun | list | read | write |
      | Dana    | her | she     | yes  | yes  | yes   |
      | Rita    | her | she     | yes  | yes  | no    |
      | Otto    | his | he      | no   | no   | no    |
