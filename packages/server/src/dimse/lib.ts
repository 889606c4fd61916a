/**
 * The one place that loads dcmjs-dimse (a CommonJS bundle): everything else imports from here.
 * Its logger writes association details and datasets (PHI) at info level, so it is silenced on
 * load; Lingshu logs its own PHI-free lines through the server's pino logger.
 */
import dimse from 'dcmjs-dimse';

dimse.log.setLevel('silent');

export const { Client, Dataset, Scp, constants, requests, responses, association } = dimse;
export const { Status, PresentationContextResult, RejectResult, RejectSource, RejectReason } = dimse.constants;
export const { CEchoRequest, CFindRequest, CStoreRequest, CMoveRequest, CGetRequest } = dimse.requests;
export const { CEchoResponse, CFindResponse, CStoreResponse, CMoveResponse, CGetResponse } = dimse.responses;

export type DimseDataset = InstanceType<typeof dimse.Dataset>;
export type DimseAssociation = InstanceType<typeof dimse.association.Association>;
export type DimsePresentationContext = InstanceType<typeof dimse.association.PresentationContext>;
export type DimseCStoreRequest = InstanceType<typeof dimse.requests.CStoreRequest>;
export type DimseCStoreResponse = InstanceType<typeof dimse.responses.CStoreResponse>;
export type DimseCFindRequest = InstanceType<typeof dimse.requests.CFindRequest>;
export type DimseCFindResponse = InstanceType<typeof dimse.responses.CFindResponse>;
export type DimseCMoveRequest = InstanceType<typeof dimse.requests.CMoveRequest>;
export type DimseCMoveResponse = InstanceType<typeof dimse.responses.CMoveResponse>;
export type DimseCGetRequest = InstanceType<typeof dimse.requests.CGetRequest>;
export type DimseCGetResponse = InstanceType<typeof dimse.responses.CGetResponse>;
export type DimseCEchoRequest = InstanceType<typeof dimse.requests.CEchoRequest>;
export type DimseCEchoResponse = InstanceType<typeof dimse.responses.CEchoResponse>;
export type DimseCCancelRequest = InstanceType<typeof dimse.requests.CCancelRequest>;
export type DimseRequest = InstanceType<typeof dimse.requests.Request>;
export type DimseResponse = InstanceType<typeof dimse.responses.Response>;
