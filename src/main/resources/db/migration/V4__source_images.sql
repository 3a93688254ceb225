-- A request's sourceImage: a URL downloaded at dispatch, or the bytes decoded from its base64 at intake.
alter table job add column source_url text;
alter table job add column source_bytes bytea;

-- Source images uploaded to Gempix2, by the SHA-256 of their bytes: the same bytes are uploaded once.
create table uploaded_source (
    sha256      varchar(64)  primary key,
    image_url   text         not null,
    image_key   text,
    uploaded_at timestamptz  not null
);
