-- Course lab 5, "Analyze Big Data with Hadoop": how many requests each operating system made,
-- from 2014-07-05 to 2014-08-05, in the CloudFront access logs of Amazon EMR's sample data.
--
-- The lab's stack runs this file as an EMR step:
--   hive-script --run-hive-script --args -f s3://.../os-requests.q -d INPUT=<logs> --define OUTPUT=<bucket>
-- and on the primary node you can run it by hand (lib/hadoop/README.md):
--   hive -f os-requests.q -d INPUT=s3://<region>.elasticmapreduce.samples/cloudfront/data -d OUTPUT=s3://<bucket>
-- INPUT is the folder of log files, OUTPUT where the os_requests/ folder of results is written.
--
-- Each log line holds fields separated by TABS, the user agent URL-encoded, after two header lines
-- (#Version and #Fields): CloudFront's standard-log reference describes its files as W3C extended log
-- files of tab-separated values with those two header lines, while its documentation pages print example
-- lines with spaces (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logs-reference.html).
-- So the expression takes any run of whitespace between fields, as the course tutorial's own script does,
-- and reads either form. A line of the sample data, with its tabs shown as spaces:
--   2014-07-05 20:00:00 LHR3 4260 10.0.0.15 GET eabcd12345678.cloudfront.net /test-image-1.jpeg 200 - Mozilla/5.0%20(MacOS...)%20Gecko/2009040821%20IE/3.0.9
-- Its eleven fields are the first eleven of every CloudFront standard log: newer logs carry more after the
-- user agent, which the expression accepts and leaves out.
-- The operating system is the first token inside the user agent's parentheses: MacOS above, even if a
-- later token names another system. The browser and its version are the user agent's last %20-separated
-- Name/Version: IE and 3.0.9 above. Lines whose user agent has no parentheses or no such tail, and the
-- header lines (they start with #), match nothing and are not counted, as in the tutorial.
--
-- Notes on the regular expression below, which the tests (test/hadoop) run with Java's java.util.regex,
-- the engine RegexSerDe uses, over lines in CloudFront's own format:
--   \\s is whitespace (a tab or a space) and \\S anything else, [(] a literal opening parenthesis, and \\x3B
--   a semicolon: a bare semicolon ends a statement for older Hive command-line clients, even inside
--   quotes. In a HiveQL string \\ stands for one backslash (Hive's parser unescapes string literals in
--   BaseSemanticAnalyzer.unescapeSQLString, https://github.com/apache/hive/blob/master/ql/src/java/org/apache/hadoop/hive/ql/parse/BaseSemanticAnalyzer.java),
--   so Java's regex engine receives \s, \S, \x3B.
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
  os            STRING,
  browser       STRING,
  browser_version STRING
)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.RegexSerDe'
WITH SERDEPROPERTIES (
  'input.regex' = '^(?!#)(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+([0-9]+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+([0-9]+)\\s+(\\S+)\\s+[^\\s(]*[(]([^)\\x3B\\s]+)\\S*%20([^\\s/]+)/(\\S*)(?:\\s.*)?$'
)
LOCATION '${INPUT}';

INSERT OVERWRITE DIRECTORY '${OUTPUT}/os_requests/'
ROW FORMAT DELIMITED FIELDS TERMINATED BY '\t'
SELECT os, COUNT(*) AS requests
FROM cloudfront_logs
WHERE request_date BETWEEN DATE '2014-07-05' AND DATE '2014-08-05'
GROUP BY os
ORDER BY os;
