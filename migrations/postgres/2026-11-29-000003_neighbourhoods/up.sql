CREATE TABLE neighbourhoods (
    id TEXT PRIMARY KEY NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    -- Lower case without accents, compared byte by byte, so a prefix is a range in the index.
    search_name TEXT COLLATE "C" NOT NULL,
    municipality_code TEXT NOT NULL,
    municipality_name TEXT NOT NULL,
    lat DOUBLE PRECISION NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lng DOUBLE PRECISION NOT NULL CHECK (lng BETWEEN -180 AND 180),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX neighbourhoods_code_key ON neighbourhoods (code);
CREATE INDEX neighbourhoods_search_idx ON neighbourhoods (search_name, id);
CREATE INDEX neighbourhoods_municipality_idx ON neighbourhoods (municipality_code, search_name, id);

-- PC4 (1234) or PC6 (1234AB) areas a neighbourhood covers.
CREATE TABLE neighbourhood_postcodes (
    neighbourhood_id TEXT NOT NULL REFERENCES neighbourhoods (id) ON DELETE CASCADE,
    postcode TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (neighbourhood_id, postcode)
);
CREATE INDEX neighbourhood_postcodes_postcode_idx ON neighbourhood_postcodes (postcode);

-- Neighbours by CBS code, as imported.
CREATE TABLE neighbourhood_adjacency (
    neighbourhood_id TEXT NOT NULL REFERENCES neighbourhoods (id) ON DELETE CASCADE,
    adjacent_code TEXT NOT NULL,
    PRIMARY KEY (neighbourhood_id, adjacent_code)
);

CREATE TABLE memberships (
    id TEXT PRIMARY KEY NOT NULL,
    neighbourhood_id TEXT NOT NULL REFERENCES neighbourhoods (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('resident', 'mediator', 'moderator')),
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'rejected')),
    joined_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX memberships_neighbourhood_user_key ON memberships (neighbourhood_id, user_id);
CREATE INDEX memberships_list_idx ON memberships (neighbourhood_id, status, joined_at, id);
CREATE INDEX memberships_user_idx ON memberships (user_id);

CREATE TABLE invites (
    id TEXT PRIMARY KEY NOT NULL,
    neighbourhood_id TEXT NOT NULL REFERENCES neighbourhoods (id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    max_uses INTEGER NOT NULL CHECK (max_uses >= 1),
    -- Never more uses than allowed, whatever arrives concurrently.
    uses INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0 AND uses <= max_uses),
    expires_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX invites_code_key ON invites (code);

-- Professionals (wijkteam) serve every neighbourhood of a municipality.
CREATE TABLE professional_grants (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    municipality_code TEXT NOT NULL,
    granted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, municipality_code)
);
