-- Course lab 5, "Analyze Big Data with Hadoop": how many requests each operating system made,
-- from 2014-07-05 to 2014-08-05, in the CloudFront access logs of Amazon EMR's sample data.
--
-- The lab's stack runs this file as an EMR step:
--   hive-script --run-hive-script --args -f s3://.../os-requests.q -d INPUT=<logs> --define OUTPUT=<bucket>
-- and on the primary node you can run it by hand (lib/hadoop/README.md):
--   hive -f os-requests.q -d INPUT=s3://<region>.elasticmapreduce.samples/cloudfront/data -d OUTPUT=s3://<bucket>
-- INPUT is the folder of log files, OUTPUT where the os_requests/ folder of results is written.
--
-- Each log line holds eleven fields separated by spaces, the user agent last and URL-encoded, e.g.
--   2014-07-05 20:00:00 LHR3 4260 10.0.0.15 GET eabcd12345678.cloudfront.net /test-image-1.jpeg 200 - Mozilla/5.0%20(MacOS...
-- The operating system is the first token inside the user agent's parentheses: MacOS above, even if
-- a later token names another system. Lines whose user agent has no parentheses, and the log's
-- header lines (they start with #), match nothing and are not counted.
--
-- Notes on the regular expression below, which the tests (test/hadoop) run over sample lines:
--   [(] is a literal opening parenthesis, and \\x3B is a semicolon: a bare semicolon ends a
--   statement for older Hive command-line clients, even inside quotes. In a HiveQL string \\ stands
--   for one backslash, so Java's regex engine receives \x3B.
--   No semicolon appears in these comments either, for the same reason.

DROP TABLE IF EXISTS cloudfront_logs;

CREATE EXTERNAL TABLE cloudfront_logs (
  request_date  DATE,
  request_time  STRING,
  edge_location STRING,
  bytes_sent    BIGINT,
  client_ip     STRING,
  http_method   STRING,
  host          STRING,
  uri           STRING,
  http_status   INT,
  referrer      STRING,
  os            STRING
)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.RegexSerDe'
WITH SERDEPROPERTIES (
  'input.regex' = '^(?!#)([^ ]+) +([^ ]+) +([^ ]+) +([0-9]+) +([^ ]+) +([^ ]+) +([^ ]+) +([^ ]+) +([0-9]+) +([^ ]+) +[^ (]*[(]([^)\\x3B]+)[^ ]*$'
)
LOCATION '${INPUT}';

INSERT OVERWRITE DIRECTORY '${OUTPUT}/os_requests/'
ROW FORMAT DELIMITED FIELDS TERMINATED BY '\t'
SELECT os, COUNT(*) AS requests
FROM cloudfront_logs
WHERE request_date BETWEEN DATE '2014-07-05' AND DATE '2014-08-05'
GROUP BY os
ORDER BY os;
