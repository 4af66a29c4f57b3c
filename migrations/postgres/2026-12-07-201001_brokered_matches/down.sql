DROP TABLE brokered_matches;
