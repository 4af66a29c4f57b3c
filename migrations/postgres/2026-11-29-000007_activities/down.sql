DROP TABLE activity_organisers;
DROP TABLE rsvps;
