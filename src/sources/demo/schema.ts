/**
 * The demo application's DDL: the SQLAlchemy models behind the seed audit
 * (shared/seed/database-performance-analysis.md), written as `metadata.create_all()` emits them
 * for PostgreSQL (the mapping from model to DDL is in docs/demo.md). A `ForeignKey` becomes a
 * constraint and nothing else: PostgreSQL never indexes the referencing side.
 *
 * Within a table the column-level indexes come first, as the models declare them first; that
 * decides which of two identical indexes is the older one.
 */

/** One table of the demo application, with the statements that create it and its indexes. */
export interface DemoTable {
  readonly name: string;
  /** `write-heavy` tables receive a stream of inserts; `transactional` ones change slowly. */
  readonly kind: 'transactional' | 'write-heavy';
  readonly ddl: string;
}

// Shared column groups, spelled the way SQLAlchemy renders them.
const CREATED_AT = 'created_at TIMESTAMP WITH TIME ZONE NOT NULL';
const UPDATED_AT = 'updated_at TIMESTAMP WITH TIME ZONE';

/** Tables in dependency order (referenced tables first). */
export const DEMO_TABLES: readonly DemoTable[] = [
  // class User(Base):
  //     email = Column(String(255), unique=True, nullable=False)
  //     username = Column(String(100), unique=True, index=True, nullable=False)
  //     is_active = Column(Boolean, default=True, index=True)
  //     __table_args__ = (Index('idx_users_email', 'email'),)   # a second index on email
  {
    name: 'users',
    kind: 'transactional',
    ddl: `
CREATE TABLE users (
  id BIGSERIAL NOT NULL,
  email VARCHAR(255) NOT NULL,
  username VARCHAR(100) NOT NULL,
  hashed_password VARCHAR(255) NOT NULL,
  role VARCHAR(20) NOT NULL,
  is_active BOOLEAN NOT NULL,
  last_login_at TIMESTAMP WITH TIME ZONE,
  ${CREATED_AT},
  PRIMARY KEY (id),
  UNIQUE (email)
);
CREATE UNIQUE INDEX ix_users_username ON users (username);
CREATE INDEX ix_users_is_active ON users (is_active);
CREATE INDEX idx_users_email ON users (email);`,
  },
  // class Dataset(Base):
  //     user_id = Column(BigInteger, ForeignKey('users.id', ondelete='CASCADE'))  # "FKs are auto-indexed"
  //     name = Column(String(200), index=True)
  //     __table_args__ = (Index('ix_datasets_created_at', 'created_at'),)
  {
    name: 'datasets',
    kind: 'transactional',
    ddl: `
CREATE TABLE datasets (
  id BIGSERIAL NOT NULL,
  user_id BIGINT NOT NULL,
  name VARCHAR(200) NOT NULL,
  file_path VARCHAR(500) NOT NULL,
  file_format VARCHAR(20) NOT NULL,
  row_count INTEGER,
  size_bytes BIGINT,
  is_public BOOLEAN NOT NULL,
  ${CREATED_AT},
  PRIMARY KEY (id),
  FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_datasets_name ON datasets (name);
CREATE INDEX ix_datasets_created_at ON datasets (created_at);`,
  },
  // class HpoCampaign(Base):
  //     user_id = Column(BigInteger, ForeignKey('users.id', ondelete='CASCADE'), index=True)
  //     dataset_id = Column(BigInteger, ForeignKey('datasets.id'))   # no index
  //     status = Column(String(20), index=True)
  {
    name: 'hpo_campaigns',
    kind: 'transactional',
    ddl: `
CREATE TABLE hpo_campaigns (
  id BIGSERIAL NOT NULL,
  user_id BIGINT NOT NULL,
  dataset_id BIGINT NOT NULL,
  name VARCHAR(200) NOT NULL,
  status VARCHAR(20) NOT NULL,
  search_space JSONB,
  n_trials INTEGER NOT NULL,
  best_score FLOAT,
  ${CREATED_AT},
  completed_at TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY (id),
  FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE,
  FOREIGN KEY(dataset_id) REFERENCES datasets (id)
);
CREATE INDEX ix_hpo_campaigns_user_id ON hpo_campaigns (user_id);
CREATE INDEX ix_hpo_campaigns_status ON hpo_campaigns (status);`,
  },
  // class Experiment(Base):
  //     user_id = Column(BigInteger, ForeignKey('users.id', ondelete='CASCADE'), index=True)
  //     dataset_id = Column(BigInteger, ForeignKey('datasets.id'), index=True)
  //     hpo_campaign_id = Column(BigInteger, ForeignKey('hpo_campaigns.id', ondelete='SET NULL'), index=True)
  //     status = Column(String(20), index=True)
  //     __table_args__ = (Index('ix_experiments_user_status', 'user_id', 'status'),
  //                       Index('idx_experiments_dataset_id', 'dataset_id'),
  //                       Index('ix_experiments_created_by', 'created_by'),
  //                       Index('ix_experiments_created_at', 'created_at'))
  {
    name: 'experiments',
    kind: 'transactional',
    ddl: `
CREATE TABLE experiments (
  id BIGSERIAL NOT NULL,
  user_id BIGINT NOT NULL,
  dataset_id BIGINT NOT NULL,
  hpo_campaign_id BIGINT,
  name VARCHAR(200) NOT NULL,
  status VARCHAR(20) NOT NULL,
  model_type VARCHAR(50) NOT NULL,
  hyperparameters JSONB,
  created_by VARCHAR(100) NOT NULL,
  ${CREATED_AT},
  ${UPDATED_AT},
  PRIMARY KEY (id),
  FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE,
  FOREIGN KEY(dataset_id) REFERENCES datasets (id),
  FOREIGN KEY(hpo_campaign_id) REFERENCES hpo_campaigns (id) ON DELETE SET NULL
);
CREATE INDEX ix_experiments_user_id ON experiments (user_id);
CREATE INDEX ix_experiments_dataset_id ON experiments (dataset_id);
CREATE INDEX ix_experiments_hpo_campaign_id ON experiments (hpo_campaign_id);
CREATE INDEX ix_experiments_status ON experiments (status);
CREATE INDEX ix_experiments_user_status ON experiments (user_id, status);
CREATE INDEX idx_experiments_dataset_id ON experiments (dataset_id);
CREATE INDEX ix_experiments_created_by ON experiments (created_by);
CREATE INDEX ix_experiments_created_at ON experiments (created_at);`,
  },
  // class TrainingRun(Base):
  //     experiment_id = Column(BigInteger, ForeignKey('experiments.id', ondelete='CASCADE'))  # no index
  //     status = Column(String(20), index=True)
  //     __table_args__ = (Index('ix_training_runs_created_at', 'created_at'),
  //                       Index('ix_training_runs_finished_at', 'finished_at'))
  {
    name: 'training_runs',
    kind: 'write-heavy',
    ddl: `
CREATE TABLE training_runs (
  id BIGSERIAL NOT NULL,
  experiment_id BIGINT NOT NULL,
  run_number INTEGER NOT NULL,
  status VARCHAR(20) NOT NULL,
  epochs INTEGER NOT NULL,
  train_loss FLOAT,
  val_loss FLOAT,
  metrics JSONB,
  started_at TIMESTAMP WITH TIME ZONE,
  finished_at TIMESTAMP WITH TIME ZONE,
  ${CREATED_AT},
  PRIMARY KEY (id),
  FOREIGN KEY(experiment_id) REFERENCES experiments (id) ON DELETE CASCADE
);
CREATE INDEX ix_training_runs_status ON training_runs (status);
CREATE INDEX ix_training_runs_created_at ON training_runs (created_at);
CREATE INDEX ix_training_runs_finished_at ON training_runs (finished_at);`,
  },
  // class ApiKey(Base):
  //     user_id = Column(BigInteger, ForeignKey('users.id', ondelete='CASCADE'), index=True)
  //     key_hash = Column(String(128), unique=True, index=True)
  //     is_active = Column(Boolean, default=True, index=True)
  //     __table_args__ = (Index('ix_api_keys_user_active', 'user_id', 'is_active'),
  //                       Index('ix_api_keys_created_at', 'created_at'))
  {
    name: 'api_keys',
    kind: 'transactional',
    ddl: `
CREATE TABLE api_keys (
  id BIGSERIAL NOT NULL,
  user_id BIGINT NOT NULL,
  name VARCHAR(100) NOT NULL,
  key_prefix VARCHAR(12) NOT NULL,
  key_hash VARCHAR(128) NOT NULL,
  is_active BOOLEAN NOT NULL,
  last_used_at TIMESTAMP WITH TIME ZONE,
  expires_at TIMESTAMP WITH TIME ZONE,
  ${CREATED_AT},
  PRIMARY KEY (id),
  FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_api_keys_user_id ON api_keys (user_id);
CREATE UNIQUE INDEX ix_api_keys_key_hash ON api_keys (key_hash);
CREATE INDEX ix_api_keys_is_active ON api_keys (is_active);
CREATE INDEX ix_api_keys_user_active ON api_keys (user_id, is_active);
CREATE INDEX ix_api_keys_created_at ON api_keys (created_at);`,
  },
  // class EmailLog(Base):
  //     user_id = Column(BigInteger, ForeignKey('users.id', ondelete='SET NULL'), index=True)
  //     event_type = Column(String(50), index=True)
  //     status = Column(String(20), index=True)
  //     __table_args__ = (Index('ix_email_logs_user_status', 'user_id', 'status'),
  //                       Index('idx_email_logs_sent_at', 'sent_at'),
  //                       Index('ix_email_logs_created_at', 'created_at'))
  {
    name: 'email_logs',
    kind: 'write-heavy',
    ddl: `
CREATE TABLE email_logs (
  id BIGSERIAL NOT NULL,
  user_id BIGINT,
  recipient_email VARCHAR(255) NOT NULL,
  event_type VARCHAR(50) NOT NULL,
  subject VARCHAR(255) NOT NULL,
  status VARCHAR(20) NOT NULL,
  error_message TEXT,
  sent_at TIMESTAMP WITH TIME ZONE,
  ${CREATED_AT},
  PRIMARY KEY (id),
  FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX ix_email_logs_user_id ON email_logs (user_id);
CREATE INDEX ix_email_logs_event_type ON email_logs (event_type);
CREATE INDEX ix_email_logs_status ON email_logs (status);
CREATE INDEX ix_email_logs_user_status ON email_logs (user_id, status);
CREATE INDEX idx_email_logs_sent_at ON email_logs (sent_at);
CREATE INDEX ix_email_logs_created_at ON email_logs (created_at);`,
  },
  // class WebhookConfiguration(Base):
  //     user_id = Column(BigInteger, ForeignKey('users.id', ondelete='CASCADE'), index=True)
  //     provider_type = Column(String(20), index=True)       # slack, teams, discord, generic
  //     is_active = Column(Boolean, default=True, index=True)
  //     __table_args__ = (Index('ix_webhook_config_user_provider_active',
  //                             'user_id', 'provider_type', 'is_active'),)
  {
    name: 'webhook_configurations',
    kind: 'transactional',
    ddl: `
CREATE TABLE webhook_configurations (
  id BIGSERIAL NOT NULL,
  user_id BIGINT NOT NULL,
  provider_type VARCHAR(20) NOT NULL,
  webhook_url VARCHAR(500) NOT NULL,
  secret VARCHAR(128),
  events JSONB NOT NULL,
  is_active BOOLEAN NOT NULL,
  failure_count INTEGER NOT NULL,
  ${CREATED_AT},
  ${UPDATED_AT},
  PRIMARY KEY (id),
  FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_webhook_configurations_user_id ON webhook_configurations (user_id);
CREATE INDEX ix_webhook_configurations_provider_type ON webhook_configurations (provider_type);
CREATE INDEX ix_webhook_configurations_is_active ON webhook_configurations (is_active);
CREATE INDEX ix_webhook_config_user_provider_active ON webhook_configurations (user_id, provider_type, is_active);`,
  },
  // class WebhookLog(Base):
  //     webhook_configuration_id = Column(BigInteger,
  //         ForeignKey('webhook_configurations.id', ondelete='CASCADE'))   # no index
  //     event_type = Column(String(50), index=True)
  //     status = Column(String(20), index=True)
  //     response_status_code = Column(Integer, index=True)
  //     __table_args__ = (Index('ix_webhook_logs_created_at', 'created_at'),)
  {
    name: 'webhook_logs',
    kind: 'write-heavy',
    ddl: `
CREATE TABLE webhook_logs (
  id BIGSERIAL NOT NULL,
  webhook_configuration_id BIGINT NOT NULL,
  event_type VARCHAR(50) NOT NULL,
  status VARCHAR(20) NOT NULL,
  response_status_code INTEGER,
  attempt INTEGER NOT NULL,
  duration_ms INTEGER,
  payload JSONB,
  error_message TEXT,
  ${CREATED_AT},
  PRIMARY KEY (id),
  FOREIGN KEY(webhook_configuration_id) REFERENCES webhook_configurations (id) ON DELETE CASCADE
);
CREATE INDEX ix_webhook_logs_event_type ON webhook_logs (event_type);
CREATE INDEX ix_webhook_logs_status ON webhook_logs (status);
CREATE INDEX ix_webhook_logs_response_status_code ON webhook_logs (response_status_code);
CREATE INDEX ix_webhook_logs_created_at ON webhook_logs (created_at);`,
  },
  // class ApiRequestLog(Base):
  //     request_id = Column(String(36), nullable=False)   # client retries reuse it
  //     user_id = Column(BigInteger, ForeignKey('users.id', ondelete='SET NULL'), index=True)
  //     api_key_id = Column(BigInteger, ForeignKey('api_keys.id', ondelete='SET NULL'), index=True)
  //     endpoint = Column(String(500), index=True)          # full path, high cardinality
  //     method = Column(String(10), index=True)
  //     status_code = Column(Integer, index=True)
  //     __table_args__ = (Index('ix_api_request_logs_created_at', 'created_at'),)
  {
    name: 'api_request_logs',
    kind: 'write-heavy',
    ddl: `
CREATE TABLE api_request_logs (
  id BIGSERIAL NOT NULL,
  request_id VARCHAR(36) NOT NULL,
  user_id BIGINT,
  api_key_id BIGINT,
  method VARCHAR(10) NOT NULL,
  endpoint VARCHAR(500) NOT NULL,
  status_code INTEGER NOT NULL,
  response_time_ms FLOAT NOT NULL,
  ip_address VARCHAR(45),
  user_agent VARCHAR(500),
  ${CREATED_AT},
  PRIMARY KEY (id),
  FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE SET NULL,
  FOREIGN KEY(api_key_id) REFERENCES api_keys (id) ON DELETE SET NULL
);
CREATE INDEX ix_api_request_logs_user_id ON api_request_logs (user_id);
CREATE INDEX ix_api_request_logs_api_key_id ON api_request_logs (api_key_id);
CREATE INDEX ix_api_request_logs_endpoint ON api_request_logs (endpoint);
CREATE INDEX ix_api_request_logs_method ON api_request_logs (method);
CREATE INDEX ix_api_request_logs_status_code ON api_request_logs (status_code);
CREATE INDEX ix_api_request_logs_created_at ON api_request_logs (created_at);`,
  },
  // class NotificationPreference(Base):
  //     user_id = Column(BigInteger, ForeignKey('users.id', ondelete='CASCADE'), index=True)
  //     event_type = Column(String(50), index=True)
  //     __table_args__ = (UniqueConstraint('user_id', 'event_type', name='uq_user_event_type'),
  //                       Index('ix_notification_preferences_user_event', 'user_id', 'event_type'))
  {
    name: 'notification_preferences',
    kind: 'transactional',
    ddl: `
CREATE TABLE notification_preferences (
  id BIGSERIAL NOT NULL,
  user_id BIGINT NOT NULL,
  event_type VARCHAR(50) NOT NULL,
  email_enabled BOOLEAN NOT NULL,
  in_app_enabled BOOLEAN NOT NULL,
  webhook_enabled BOOLEAN NOT NULL,
  ${CREATED_AT},
  ${UPDATED_AT},
  PRIMARY KEY (id),
  CONSTRAINT uq_user_event_type UNIQUE (user_id, event_type),
  FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_notification_preferences_user_id ON notification_preferences (user_id);
CREATE INDEX ix_notification_preferences_event_type ON notification_preferences (event_type);
CREATE INDEX ix_notification_preferences_user_event ON notification_preferences (user_id, event_type);`,
  },
  // class ExperimentTag(Base):
  //     experiment_id = Column(BigInteger, ForeignKey('experiments.id', ondelete='CASCADE'))
  //     tag = Column(String(50), index=True)
  //     __table_args__ = (UniqueConstraint('experiment_id', 'tag', name='uq_experiment_tag'),
  //                       Index('ix_experiment_tags_experiment_id', 'experiment_id'))
  {
    name: 'experiment_tags',
    kind: 'transactional',
    ddl: `
CREATE TABLE experiment_tags (
  id BIGSERIAL NOT NULL,
  experiment_id BIGINT NOT NULL,
  tag VARCHAR(50) NOT NULL,
  ${CREATED_AT},
  PRIMARY KEY (id),
  CONSTRAINT uq_experiment_tag UNIQUE (experiment_id, tag),
  FOREIGN KEY(experiment_id) REFERENCES experiments (id) ON DELETE CASCADE
);
CREATE INDEX ix_experiment_tags_tag ON experiment_tags (tag);
CREATE INDEX ix_experiment_tags_experiment_id ON experiment_tags (experiment_id);`,
  },
  // class SavedSearch(Base):
  //     user_id = Column(BigInteger, ForeignKey('users.id', ondelete='CASCADE'))  # no index
  //     search_type = Column(String(50), index=True)
  {
    name: 'saved_searches',
    kind: 'transactional',
    ddl: `
CREATE TABLE saved_searches (
  id BIGSERIAL NOT NULL,
  user_id BIGINT NOT NULL,
  name VARCHAR(200) NOT NULL,
  search_type VARCHAR(50) NOT NULL,
  query JSONB NOT NULL,
  is_default BOOLEAN NOT NULL,
  ${CREATED_AT},
  ${UPDATED_AT},
  PRIMARY KEY (id),
  FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_saved_searches_search_type ON saved_searches (search_type);`,
  },
];

/** The whole schema as one script, in dependency order. */
export const DEMO_SCHEMA_SQL: string = DEMO_TABLES.map((t) => t.ddl.trim()).join('\n\n');

/**
 * The Alembic migration that failed: `op.create_index(..., unique=True,
 * postgresql_concurrently=True)` over a column whose data already holds duplicates (client
 * retries reuse their request id). CONCURRENTLY cannot roll back, so the index stays behind,
 * INVALID.
 */
export const FAILED_UNIQUE_INDEX = {
  name: 'ux_api_request_logs_request_id',
  table: 'api_request_logs',
  sql: 'CREATE UNIQUE INDEX CONCURRENTLY ux_api_request_logs_request_id ON api_request_logs (request_id)',
} as const;
