-- Firmware images. Runs in schema "firmware" (quarkus.flyway.schemas), so names stay unqualified.

CREATE TABLE firmware_image (
    id          uuid         PRIMARY KEY,
    identifier  varchar(255) NOT NULL,
    version     varchar(64)  NOT NULL,
    size        bigint       NOT NULL CHECK (size > 0),
    sha256      varchar(64)  NOT NULL,
    created_at  timestamptz  NOT NULL,
    -- content is the identity of an image: the same bytes are never stored twice
    CONSTRAINT firmware_image_sha256_uk UNIQUE (sha256),
    -- the name a meter sees must denote exactly one content
    CONSTRAINT firmware_image_identifier_version_uk UNIQUE (identifier, version)
);

-- Bytes apart from metadata, so listing images never reads them.
CREATE TABLE firmware_image_content (
    image_id  uuid  PRIMARY KEY REFERENCES firmware_image (id) ON DELETE CASCADE,
    content   bytea NOT NULL
);
