DROP TABLE professional_grants;
DROP TABLE invites;
DROP TABLE memberships;
DROP TABLE neighbourhood_adjacency;
DROP TABLE neighbourhood_postcodes;
DROP TABLE neighbourhoods;
