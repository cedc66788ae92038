@errors @s3
Feature: A malformed request to the storage is refused with the right form, and binary is not passed off as text
  Someone asks for a file by something that is not an S3 URI, or reads a binary file as if it were
  text. The first is refused with a message that names the problem and shows the right form; the
  second is answered honestly: the reader learns the file is not text, rather than getting bytes
  decoded into replacement characters as if they were its words. Nothing is written either way.

  Scenario: Details asked for by something that is not an S3 URI are refused, showing the right form
    When Dana asks for the details of "not-an-s3-uri"
    Then she is refused with a message naming "s3://" and "uri"

  Scenario: A binary file read as text is reported as binary, with exactly the bytes stored
    Given Dana has uploaded 2048 random bytes as "data/blob.bin"
    When Dana reads the first 1000 bytes of "data/blob.bin"
    Then she is told "data/blob.bin" is not text, and what she got is its first 1000 bytes
    And the folder "data/" holds only "blob.bin"
