@auth @catalog
Feature: One identity, carried through the whole platform
  A person signs in to the catalog once. The catalog's token then stands for that person
  everywhere: it is exchanged for S3 credentials, it is who GraphQL and search answer to, and
  what the storage allows that person is exactly what the platform allows. A bad token gets
  nowhere.

  Background:
    Given Dana has uploaded these files to the folder "auth/":
      | name     | content                     |
      | note.txt | identity check for the flow |

  @search
  Scenario: Dana's catalog token opens S3, GraphQL and search under her own identity
    When Dana exchanges her catalog token for S3 credentials
    Then those credentials read "auth/note.txt" from S3, byte for byte
    And the registry knows Dana by her own identity and shows her the test bucket
    And Dana finds "auth/note.txt" through the catalog search

  Scenario: Rita's catalog token gives her own S3 credentials: they read but may not write
    When Rita exchanges her catalog token for S3 credentials
    Then those credentials read "auth/note.txt" from S3, byte for byte
    And with those credentials S3 refuses to write to the test bucket

  Scenario Outline: A bad token is refused at every entry point
    When a caller presents "<token>" to the catalog
    Then GraphQL, the search API, the session endpoint and the credentials endpoint all answer 401

    Examples:
      | token                             |
      | no token                          |
      | a malformed token                 |
      | an expired token                  |
      | a token signed with another secret |

  @registry
  Scenario: A reader may read through the catalog but may not publish a package
    When Rita publishes the package "auth/by-rita" through the catalog from "auth/note.txt"
    Then the catalog refuses to publish it, because the storage denies her write access
    And nothing was written to the registry for "auth/by-rita"

  @search
  Scenario: An outsider's token does not open the test bucket's search index
    When Otto searches the test bucket through the catalog
    Then the catalog refuses the search with 403, because he may not read the bucket

  Scenario: A client pointed at the stack's catalog finds its registry from the catalog itself
    When Otto points his client at the stack's catalog
    Then his client says it is connected to the stack's catalog and its registry
