DROP TABLE occurrence_rsvps;
