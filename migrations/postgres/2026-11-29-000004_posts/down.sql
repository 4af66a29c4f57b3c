DROP TABLE post_reports;
DROP TABLE posts;
