/**
 * `lingshu_index_batch(batch jsonb)`: indexes one ingest batch in a single statement (one round
 * trip, one implicit transaction): patients, studies, series and instances as multi-row upserts,
 * the instance counts of the touched series and studies, and the change log. PGlite pays per
 * round trip (each query crosses into WebAssembly and through its protocol files), so the ingest
 * critical path runs this one call instead of a dozen statements. `ingest.ts` builds the batch.
 *
 * Batch: `{ patients, studies, series, instances, changes }`, arrays of objects whose keys are the
 * column names below (`patient_key`, `study_uid`, `series_uid` link the levels) plus `n`, the row's
 * position (rows are inserted, and change-log entries written, in that order); `changes` are the
 * instance-level change-log rows (NewInstance, UpdatedInstance, RejectedConflict).
 * Returns `{ owners: { <study_uid>: "<institution_pk>" } }` for the batch's studies.
 *
 * Counts: a series gains the instances the batch inserted; when the batch replaced instances
 * (overwrite policy, or another writer inserted the same SOP Instance UID first) its series are
 * recounted. A study's counts and ModalitiesInStudy are recomputed from its series (few rows).
 */
export const INDEX_BATCH_FUNCTION = `
CREATE OR REPLACE FUNCTION lingshu_index_batch(b jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
DECLARE
  added bigint[];
  replaced bigint[];
  owners jsonb;
BEGIN
  WITH up AS (
    INSERT INTO patients (patient_key, patient_id, issuer, name_alphabetic, name_ideographic, name_phonetic,
                          name_search, birth_date, sex)
    SELECT x.patient_key, x.patient_id, x.issuer, x.name_alphabetic, x.name_ideographic, x.name_phonetic,
           x.name_search, x.birth_date, x.sex
    FROM jsonb_to_recordset(coalesce(b->'patients', '[]')) AS x(patient_key text, patient_id text, issuer text,
         name_alphabetic text, name_ideographic text, name_phonetic text, name_search text, birth_date text, sex text)
    ON CONFLICT (patient_key) DO UPDATE SET
      name_alphabetic = excluded.name_alphabetic, name_ideographic = excluded.name_ideographic,
      name_phonetic = excluded.name_phonetic, name_search = excluded.name_search,
      birth_date = excluded.birth_date, sex = excluded.sex
    RETURNING pk, (xmax = 0) AS inserted
  )
  INSERT INTO changes (change_type, resource_level, resource_uid, study_uid)
  SELECT 'NewPatient', 'PATIENT', pk::text, '' FROM up WHERE inserted ORDER BY pk;

  -- The owner of a study never changes once it exists.
  WITH up AS (
    INSERT INTO studies (study_uid, institution_pk, patient_pk, study_date, study_time, accession_number, study_id,
                         description, referring_physician, modalities)
    SELECT x.study_uid, x.institution_pk, p.pk, x.study_date, x.study_time, x.accession_number, x.study_id,
           x.description, x.referring_physician, '{}'
    FROM jsonb_to_recordset(coalesce(b->'studies', '[]')) AS x(study_uid text, institution_pk bigint,
         patient_key text, study_date text, study_time text, accession_number text, study_id text, description text,
         referring_physician text, n bigint)
    JOIN patients p ON p.patient_key = x.patient_key
    ORDER BY x.n
    ON CONFLICT (study_uid) DO UPDATE SET updated_at = now()
    RETURNING pk, study_uid, (xmax = 0) AS inserted
  )
  INSERT INTO changes (change_type, resource_level, resource_uid, study_uid)
  SELECT 'NewStudy', 'STUDY', study_uid, study_uid FROM up WHERE inserted ORDER BY pk;

  WITH up AS (
    INSERT INTO series (series_uid, study_pk, modality, series_number, description, body_part, series_date,
                        series_time)
    SELECT x.series_uid, st.pk, x.modality, x.series_number, x.description, x.body_part, x.series_date,
           x.series_time
    FROM jsonb_to_recordset(coalesce(b->'series', '[]')) AS x(series_uid text, study_uid text,
         modality text, series_number integer, description text, body_part text, series_date text,
         series_time text, n bigint)
    JOIN studies st ON st.study_uid = x.study_uid
    ORDER BY x.n
    ON CONFLICT (series_uid) DO UPDATE SET updated_at = now()
    RETURNING pk, series_uid, (xmax = 0) AS inserted
  )
  INSERT INTO changes (change_type, resource_level, resource_uid, study_uid)
  SELECT 'NewSeries', 'SERIES', up.series_uid, x.study_uid
  FROM up JOIN jsonb_to_recordset(coalesce(b->'series', '[]')) AS x(series_uid text, study_uid text)
    ON x.series_uid = up.series_uid
  WHERE up.inserted ORDER BY up.pk;

  WITH up AS (
    INSERT INTO instances (sop_uid, series_pk, sop_class_uid, instance_number, transfer_syntax_uid,
                           number_of_frames, "rows", "columns", size_bytes, sha256, storage_key, metadata)
    SELECT x.sop_uid, se.pk, x.sop_class_uid, x.instance_number, x.transfer_syntax_uid, x.number_of_frames,
           x."rows", x."columns", x.size_bytes, x.sha256, x.storage_key, x.metadata
    FROM jsonb_to_recordset(coalesce(b->'instances', '[]')) AS x(sop_uid text, series_uid text,
         sop_class_uid text, instance_number integer, transfer_syntax_uid text, number_of_frames integer,
         "rows" integer, "columns" integer, size_bytes bigint, sha256 text, storage_key text, metadata jsonb,
         n bigint)
    JOIN series se ON se.series_uid = x.series_uid
    ORDER BY x.n
    ON CONFLICT (sop_uid) DO UPDATE SET
      series_pk = excluded.series_pk, sop_class_uid = excluded.sop_class_uid,
      instance_number = excluded.instance_number, transfer_syntax_uid = excluded.transfer_syntax_uid,
      number_of_frames = excluded.number_of_frames, "rows" = excluded."rows", "columns" = excluded."columns",
      size_bytes = excluded.size_bytes, sha256 = excluded.sha256, storage_key = excluded.storage_key,
      metadata = excluded.metadata, stored_at = now()
    RETURNING series_pk, (xmax = 0) AS inserted
  )
  SELECT array_agg(series_pk) FILTER (WHERE inserted), array_agg(series_pk) FILTER (WHERE NOT inserted)
  INTO added, replaced FROM up;

  IF replaced IS NOT NULL THEN
    UPDATE series s SET num_instances = (SELECT count(*) FROM instances i WHERE i.series_pk = s.pk)
    WHERE s.pk = ANY(replaced || coalesce(added, '{}'));
  ELSIF added IS NOT NULL THEN
    UPDATE series s SET num_instances = s.num_instances + c.n
    FROM (SELECT pk, count(*) AS n FROM unnest(added) AS pk GROUP BY pk) c
    WHERE s.pk = c.pk;
  END IF;

  IF added IS NOT NULL OR replaced IS NOT NULL THEN
    UPDATE studies st SET
      num_series = (SELECT count(*) FROM series s WHERE s.study_pk = st.pk),
      num_instances = (SELECT coalesce(sum(s.num_instances), 0) FROM series s WHERE s.study_pk = st.pk),
      modalities = (SELECT coalesce(array_agg(DISTINCT s.modality ORDER BY s.modality), '{}') FROM series s
                    WHERE s.study_pk = st.pk AND s.modality <> ''),
      updated_at = now()
    WHERE st.study_uid IN (SELECT x.study_uid FROM jsonb_to_recordset(coalesce(b->'studies', '[]'))
                           AS x(study_uid text));
  END IF;

  INSERT INTO changes (change_type, resource_level, resource_uid, study_uid)
  SELECT x.change_type, x.resource_level, x.resource_uid, x.study_uid
  FROM jsonb_to_recordset(coalesce(b->'changes', '[]')) AS x(change_type text, resource_level text,
       resource_uid text, study_uid text, n bigint)
  ORDER BY x.n;

  SELECT coalesce(jsonb_object_agg(st.study_uid, st.institution_pk::text), '{}') INTO owners
  FROM studies st
  WHERE st.study_uid IN (SELECT x.study_uid FROM jsonb_to_recordset(coalesce(b->'studies', '[]'))
                         AS x(study_uid text));
  RETURN jsonb_build_object('owners', owners);
END
$fn$
`;

/**
 * `lingshu_ingest_batch(batch jsonb)`: the whole index side of an ingest batch in one statement,
 * so a STOW-RS request or a micro-batch costs one round trip: decides what each instance is (new,
 * an identical re-send, a different instance under a known SOP Instance UID, or refused because
 * its study belongs to another institution), then indexes the accepted ones with
 * `lingshu_index_batch` (whose statements, like these, PL/pgSQL plans once per connection).
 *
 * Batch: `lingshu_index_batch`'s argument for the case that every candidate (its file already
 * durable) is new: `patients`, `studies`, `series`, `instances` and `changes` (NewInstance for
 * each), where each instance also has `study_uid`, `patient_key`, `institution_pk` (text) and
 * `reject_foreign`; plus `overwrite` (the duplicate policy) and `conflicts`, the instances refused
 * before the call (same SOP Instance UID twice in the batch with different bytes), logged as
 * RejectedConflict. That case goes straight to `lingshu_index_batch`; otherwise the batch is
 * filtered to the accepted instances (studies, series and patients without one are left alone; a
 * new study belongs to its first accepted instance's institution) and its change log rebuilt.
 *
 * Returns `{ decided: [{ sop_uid, status, old_key }], owners: { <study_uid>: "<pk>" } }`, status
 * one of inserted, overwritten, duplicate, conflict, refused; `old_key` is the file the index
 * already names for that SOP Instance UID (null when none).
 */
export const INGEST_BATCH_FUNCTION = `
CREATE OR REPLACE FUNCTION lingshu_ingest_batch(b jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
DECLARE
  decided jsonb;
  accepted jsonb;
  indexed jsonb := '{}';
BEGIN
  -- One index probe per instance (LATERAL keeps the planner off a full scan whatever the sizes).
  SELECT coalesce(jsonb_agg(jsonb_build_object('sop_uid', d.sop_uid, 'status', d.status, 'old_key', d.old_key)
                            ORDER BY d.n), '[]')
  INTO decided
  FROM (
    SELECT x.n, x.sop_uid, old.storage_key AS old_key,
      CASE
        WHEN x.reject_foreign AND (so.owner <> x.institution_pk OR old.owner <> x.institution_pk) THEN 'refused'
        WHEN old.storage_key IS NULL THEN 'inserted'
        WHEN old.sha256 = x.sha256 THEN 'duplicate'
        WHEN coalesce((b->>'overwrite')::boolean, false) THEN 'overwritten'
        ELSE 'conflict'
      END AS status
    FROM jsonb_to_recordset(coalesce(b->'instances', '[]')) AS x(n bigint, sop_uid text, sha256 text,
         study_uid text, institution_pk text, reject_foreign boolean)
    LEFT JOIN LATERAL (
      SELECT i.sha256, i.storage_key, st.institution_pk::text AS owner
      FROM instances i JOIN series se ON se.pk = i.series_pk JOIN studies st ON st.pk = se.study_pk
      WHERE i.sop_uid = x.sop_uid
    ) old ON true
    LEFT JOIN LATERAL (
      SELECT s.institution_pk::text AS owner FROM studies s WHERE s.study_uid = x.study_uid
    ) so ON true
  ) d;

  -- The common case: every candidate is new. The batch as sent is what lingshu_index_batch takes
  -- (its changes and owners were built for that case); nothing to filter.
  IF NOT EXISTS (SELECT 1 FROM jsonb_array_elements(decided) e WHERE e->>'status' <> 'inserted')
     AND jsonb_array_length(coalesce(b->'conflicts', '[]')) = 0 THEN
    IF jsonb_array_length(decided) > 0 THEN
      indexed := lingshu_index_batch(b);
    END IF;
    RETURN jsonb_build_object('decided', decided, 'owners', coalesce(indexed->'owners', '{}'));
  END IF;

  WITH d AS (
    SELECT e->>'sop_uid' AS sop_uid, e->>'status' AS status FROM jsonb_array_elements(decided) e
  ), cand AS (
    SELECT i, d.status FROM jsonb_array_elements(coalesce(b->'instances', '[]')) i JOIN d ON d.sop_uid = i->>'sop_uid'
  ), ok AS (
    SELECT i FROM cand WHERE status IN ('inserted', 'overwritten')
  ), changes AS (
    SELECT row_number() OVER (ORDER BY u.rank, u.pos) AS n, u.change_type, u.sop_uid, u.study_uid
    FROM (
      SELECT CASE c.status WHEN 'inserted' THEN 1 WHEN 'overwritten' THEN 2 ELSE 4 END AS rank,
             (c.i->>'n')::bigint AS pos,
             CASE c.status WHEN 'inserted' THEN 'NewInstance' WHEN 'overwritten' THEN 'UpdatedInstance'
                           ELSE 'RejectedConflict' END AS change_type,
             c.i->>'sop_uid' AS sop_uid, c.i->>'study_uid' AS study_uid
      FROM cand c WHERE c.status IN ('inserted', 'overwritten', 'conflict')
      UNION ALL
      SELECT 3, (c->>'n')::bigint, 'RejectedConflict', c->>'sop_uid', c->>'study_uid'
      FROM jsonb_array_elements(coalesce(b->'conflicts', '[]')) c
    ) u
  )
  SELECT jsonb_build_object(
    'instances', coalesce((SELECT jsonb_agg(ok.i ORDER BY (ok.i->>'n')::bigint) FROM ok), '[]'),
    'series', coalesce((SELECT jsonb_agg(s ORDER BY (s->>'n')::bigint)
                        FROM jsonb_array_elements(coalesce(b->'series', '[]')) s
                        WHERE s->>'series_uid' IN (SELECT ok.i->>'series_uid' FROM ok)), '[]'),
    'studies', coalesce((SELECT jsonb_agg(s || jsonb_build_object('institution_pk',
                          (SELECT ok.i->>'institution_pk' FROM ok WHERE ok.i->>'study_uid' = s->>'study_uid'
                           ORDER BY (ok.i->>'n')::bigint LIMIT 1)) ORDER BY (s->>'n')::bigint)
                         FROM jsonb_array_elements(coalesce(b->'studies', '[]')) s
                         WHERE s->>'study_uid' IN (SELECT ok.i->>'study_uid' FROM ok)), '[]'),
    'patients', coalesce((SELECT jsonb_agg(p) FROM jsonb_array_elements(coalesce(b->'patients', '[]')) p
                          WHERE p->>'patient_key' IN (SELECT ok.i->>'patient_key' FROM ok)), '[]'),
    'changes', coalesce((SELECT jsonb_agg(jsonb_build_object('n', c.n, 'change_type', c.change_type,
                           'resource_level', 'INSTANCE', 'resource_uid', c.sop_uid, 'study_uid', c.study_uid)
                           ORDER BY c.n) FROM changes c), '[]')
  ) INTO accepted;

  IF jsonb_array_length(accepted->'instances') > 0 OR jsonb_array_length(accepted->'changes') > 0 THEN
    indexed := lingshu_index_batch(accepted);
  END IF;
  RETURN jsonb_build_object('decided', decided, 'owners', coalesce(indexed->'owners', '{}'));
END
$fn$
`;
