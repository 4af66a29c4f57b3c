-- Monitoring rollups (issue 22): what a report reads instead of every fact. Kept in the
-- transaction of each fact that is really added (persistence/src/stats.rs), so they always
-- agree with stat_events.
--
-- Per neighbourhood, unit ('week' or 'month'), period (its first day, YYYY-MM-DD) and figure:
-- a fact kind's count, or 'active_residents' / 'unique_attendees', the number of distinct
-- people in stat_presence.
CREATE TABLE stat_counts (
    neighbourhood_id TEXT NOT NULL REFERENCES neighbourhoods (id) ON DELETE CASCADE,
    unit TEXT NOT NULL CHECK (unit IN ('week', 'month')),
    period TEXT COLLATE "C" NOT NULL,
    figure TEXT COLLATE "C" NOT NULL,
    n INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (neighbourhood_id, unit, period, figure)
);

-- The balance of requests opened and ended before a report's first period: a few figures
-- over all earlier periods.
CREATE INDEX stat_counts_figure_idx ON stat_counts (neighbourhood_id, unit, figure, period)
    INCLUDE (n);

-- Who counted once in a period's distinct figures (distinct counts do not add up, so each
-- person is a row). Personal data: erasure pseudonymises actor_id like stat_events.actor_id.
CREATE TABLE stat_presence (
    neighbourhood_id TEXT NOT NULL REFERENCES neighbourhoods (id) ON DELETE CASCADE,
    unit TEXT NOT NULL CHECK (unit IN ('week', 'month')),
    period TEXT COLLATE "C" NOT NULL,
    figure TEXT COLLATE "C" NOT NULL CHECK (figure IN ('active_residents', 'unique_attendees')),
    actor_id TEXT NOT NULL,
    PRIMARY KEY (neighbourhood_id, unit, period, figure, actor_id)
);
CREATE INDEX stat_presence_actor_idx ON stat_presence (actor_id);

-- The facts recorded so far (the same statements as stats::refill_rollups).
INSERT INTO stat_presence (neighbourhood_id, unit, period, figure, actor_id)
SELECT DISTINCT neighbourhood_id, 'week', week, 'active_residents', actor_id FROM stat_events
WHERE kind IN ('posted', 'helped', 'attended') AND actor_id IS NOT NULL
UNION
SELECT DISTINCT neighbourhood_id, 'month', month, 'active_residents', actor_id FROM stat_events
WHERE kind IN ('posted', 'helped', 'attended') AND actor_id IS NOT NULL
UNION
SELECT DISTINCT neighbourhood_id, 'week', week, 'unique_attendees', actor_id FROM stat_events
WHERE kind = 'attended' AND actor_id IS NOT NULL
UNION
SELECT DISTINCT neighbourhood_id, 'month', month, 'unique_attendees', actor_id FROM stat_events
WHERE kind = 'attended' AND actor_id IS NOT NULL;

INSERT INTO stat_counts (neighbourhood_id, unit, period, figure, n)
SELECT neighbourhood_id, 'week', week, kind, COUNT(*) FROM stat_events
GROUP BY neighbourhood_id, week, kind
UNION ALL
SELECT neighbourhood_id, 'month', month, kind, COUNT(*) FROM stat_events
GROUP BY neighbourhood_id, month, kind
UNION ALL
SELECT neighbourhood_id, unit, period, figure, COUNT(*) FROM stat_presence
GROUP BY neighbourhood_id, unit, period, figure;
