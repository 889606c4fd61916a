import { LingshuError } from '@lingshu/dicom';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { searchBundle } from './fhir/resources.js';
import type { OutputService } from './service.js';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const FHIR_TYPES = ['DiagnosticReport', 'ImagingStudy', 'Observation', 'Patient'] as const;
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const UID = /^[0-9]+(\.[0-9]+)*$/;

function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('the auth guard did not run');
  return request.principal;
}

/**
 * Report outputs over HTTP (docs/outputs.md): the report PDF, and a read-only FHIR R4 endpoint
 * (read by id for DiagnosticReport, ImagingStudy, Observation, Patient; DiagnosticReport search
 * by patient and study). All need `study:read`, see only the caller's studies, and are audited.
 */
export function registerOutputRoutes(app: FastifyInstance, outputs: OutputService): void {
  app.get<{ Params: { study: string } }>(
    '/api/studies/:study/report/pdf',
    { config: { access: 'study:read', audit: 'export' } },
    async (request, reply) => {
      const study = request.params.study;
      if (!UID.test(study) || study.length > 64)
        throw new LingshuError('HTTP_BAD_PARAMETER', 'The study UID is malformed', { details: { parameter: 'study' } });
      const { pdf, reportPk, version } = await outputs.pdf(principalOf(request), study);
      request.audit = {
        resource: { type: 'report', id: reportPk, studyUids: [study] },
        detail: { kind: 'pdf', version },
      };
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="report-${reportPk}-v${version}.pdf"`)
        .header('cache-control', 'private, no-store')
        .send(pdf);
    },
  );

  for (const type of FHIR_TYPES) {
    app.get<{ Params: { id: string } }>(
      `/fhir/${type}/:id`,
      { config: { access: 'study:read', audit: 'read' } },
      async (request, reply) => {
        const id = request.params.id;
        if (!FHIR_ID.test(id)) throw new LingshuError('FHIR_NOT_FOUND', 'The FHIR id is malformed');
        const resource = await outputs.fhirRead(principalOf(request), type, id);
        const studyUid = type === 'ImagingStudy' ? id : undefined;
        request.audit = {
          resource: {
            type: type === 'Patient' ? 'patient' : type === 'ImagingStudy' ? 'study' : 'report',
            id,
            ...(studyUid ? { studyUids: [studyUid] } : {}),
          },
          detail: { fhir: type },
        };
        return reply.header('content-type', FHIR_JSON).send(JSON.stringify(resource));
      },
    );
  }

  app.get<{ Querystring: { patient?: string; study?: string } }>(
    '/fhir/DiagnosticReport',
    { config: { access: 'study:read', audit: 'query' } },
    async (request, reply) => {
      const q = request.query ?? {};
      const patient = typeof q.patient === 'string' && q.patient !== '' ? q.patient : undefined;
      const study = typeof q.study === 'string' && q.study !== '' ? q.study.replace(/^urn:oid:/, '') : undefined;
      if (patient !== undefined && !FHIR_ID.test(patient.replace(/^Patient\//, '')))
        throw new LingshuError('HTTP_BAD_PARAMETER', 'patient must be a Patient id', {
          details: { parameter: 'patient' },
        });
      if (study !== undefined && (!UID.test(study) || study.length > 64))
        throw new LingshuError('HTTP_BAD_PARAMETER', 'study must be a Study Instance UID', {
          details: { parameter: 'study' },
        });
      const found = await outputs.fhirSearch(principalOf(request), {
        ...(patient ? { patient } : {}),
        ...(study ? { study } : {}),
      });
      const base = `${request.protocol}://${request.host}/fhir`;
      const self = `${base}/DiagnosticReport${request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''}`;
      request.audit = {
        resource: { type: 'report', ...(study ? { studyUids: [study] } : {}) },
        detail: { fhir: 'DiagnosticReport', results: found.length },
      };
      return reply.header('content-type', FHIR_JSON).send(JSON.stringify(searchBundle(found, self, base)));
    },
  );
}
