DROP TABLE stat_presence;
DROP TABLE stat_counts;
