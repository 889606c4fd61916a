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
