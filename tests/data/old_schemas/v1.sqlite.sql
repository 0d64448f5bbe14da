-- schema version 1 (summitpulse/schema.py at 1e430d2), sqlite

CREATE TABLE authors (
	network VARCHAR(16) NOT NULL, 
	author_id VARCHAR(128) NOT NULL, 
	handle VARCHAR(255) NOT NULL, 
	display_name TEXT NOT NULL, 
	followers INTEGER, 
	location TEXT NOT NULL, 
	description TEXT NOT NULL, 
	avatar_url TEXT NOT NULL, 
	url TEXT NOT NULL, 
	updated_ts BIGINT NOT NULL, 
	PRIMARY KEY (network, author_id)
);

CREATE INDEX ix_authors_handle ON authors (handle);

CREATE TABLE blocklist (
	kind VARCHAR(16) NOT NULL, 
	value VARCHAR(255) NOT NULL, 
	ts BIGINT NOT NULL, 
	PRIMARY KEY (kind, value)
);

CREATE TABLE collector_events (
	id INTEGER NOT NULL, 
	collector VARCHAR(255) NOT NULL, 
	ts BIGINT NOT NULL, 
	kind VARCHAR(32) NOT NULL, 
	message TEXT NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_collector_events ON collector_events (collector, ts);

CREATE TABLE cursors (
	collector VARCHAR(255) NOT NULL, 
	value TEXT NOT NULL, 
	updated_ts BIGINT NOT NULL, 
	PRIMARY KEY (collector)
);

CREATE TABLE demo_truth (
	author_key VARCHAR(160) NOT NULL, 
	person VARCHAR(255) NOT NULL, 
	in_room BOOLEAN NOT NULL, 
	stakeholder VARCHAR(32) NOT NULL, 
	PRIMARY KEY (author_key)
);

CREATE TABLE identity_links (
	author_key VARCHAR(160) NOT NULL, 
	person VARCHAR(255) NOT NULL, 
	confirmed BOOLEAN NOT NULL, 
	ts BIGINT NOT NULL, 
	PRIMARY KEY (author_key)
);

CREATE TABLE meta (
	"key" VARCHAR(64) NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY ("key")
);

CREATE TABLE moderation (
	network VARCHAR(16) NOT NULL, 
	native_id VARCHAR(512) NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	reason TEXT NOT NULL, 
	updated_ts BIGINT NOT NULL, 
	PRIMARY KEY (network, native_id)
);

CREATE INDEX ix_moderation_status ON moderation (status);

CREATE TABLE moderation_actions (
	id INTEGER NOT NULL, 
	ts BIGINT NOT NULL, 
	actor VARCHAR(255) NOT NULL, 
	action VARCHAR(32) NOT NULL, 
	target TEXT NOT NULL, 
	reason TEXT NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE participant_overrides (
	person VARCHAR(255) NOT NULL, 
	label VARCHAR(16) NOT NULL, 
	reason TEXT NOT NULL, 
	ts BIGINT NOT NULL, 
	PRIMARY KEY (person)
);

CREATE TABLE post_links (
	network VARCHAR(16) NOT NULL, 
	native_id VARCHAR(512) NOT NULL, 
	link VARCHAR(1024) NOT NULL, 
	PRIMARY KEY (network, native_id, link)
);

CREATE INDEX ix_post_links_link ON post_links (link);

CREATE TABLE post_mentions (
	network VARCHAR(16) NOT NULL, 
	native_id VARCHAR(512) NOT NULL, 
	mentioned VARCHAR(255) NOT NULL, 
	PRIMARY KEY (network, native_id, mentioned)
);

CREATE INDEX ix_post_mentions_mentioned ON post_mentions (mentioned);

CREATE TABLE post_tags (
	network VARCHAR(16) NOT NULL, 
	native_id VARCHAR(512) NOT NULL, 
	tag VARCHAR(255) NOT NULL, 
	PRIMARY KEY (network, native_id, tag)
);

CREATE INDEX ix_post_tags_tag ON post_tags (tag);

CREATE TABLE posts (
	network VARCHAR(16) NOT NULL, 
	native_id VARCHAR(512) NOT NULL, 
	uri TEXT NOT NULL, 
	url TEXT NOT NULL, 
	author_id VARCHAR(128) NOT NULL, 
	created_at DATETIME NOT NULL, 
	created_ts BIGINT NOT NULL, 
	text TEXT NOT NULL, 
	lang VARCHAR(16) NOT NULL, 
	kind VARCHAR(10) NOT NULL, 
	hashtags TEXT NOT NULL, 
	mentions TEXT NOT NULL, 
	links TEXT NOT NULL, 
	media_count INTEGER NOT NULL, 
	media_urls TEXT NOT NULL, 
	reply_to VARCHAR(512), 
	reply_to_author VARCHAR(128), 
	repost_of VARCHAR(512), 
	quote_of VARCHAR(512), 
	like_count INTEGER, 
	repost_count INTEGER, 
	reply_count INTEGER, 
	quote_count INTEGER, 
	latitude FLOAT, 
	longitude FLOAT, 
	place TEXT NOT NULL, 
	matched_tags TEXT NOT NULL, 
	source VARCHAR(255) NOT NULL, 
	collected_ts BIGINT NOT NULL, 
	updated_ts BIGINT NOT NULL, 
	deleted_ts BIGINT, 
	PRIMARY KEY (network, native_id)
);

CREATE INDEX ix_posts_author ON posts (network, author_id);

CREATE INDEX ix_posts_created ON posts (created_ts);

CREATE TABLE runs (
	id INTEGER NOT NULL, 
	collector VARCHAR(255) NOT NULL, 
	started_ts BIGINT NOT NULL, 
	ended_ts BIGINT, 
	fetched INTEGER NOT NULL, 
	new INTEGER NOT NULL, 
	updated INTEGER NOT NULL, 
	errors INTEGER NOT NULL, 
	rate_limit_waits INTEGER NOT NULL, 
	reached_back_ts BIGINT, 
	status VARCHAR(16) NOT NULL, 
	message TEXT NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_runs_collector ON runs (collector, started_ts);

CREATE TABLE sightings (
	network VARCHAR(16) NOT NULL, 
	native_id VARCHAR(512) NOT NULL, 
	source VARCHAR(255) NOT NULL, 
	seen_ts BIGINT NOT NULL, 
	PRIMARY KEY (network, native_id, source)
);

INSERT INTO meta (key, value) VALUES ('schema_version', '1');
