DROP TABLE role_grants;
DROP FUNCTION role_grants_append_only();
