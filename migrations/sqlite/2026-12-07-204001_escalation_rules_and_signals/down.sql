DROP TABLE signal_audit;
DROP TABLE signals;
DROP TABLE escalation_rules;
