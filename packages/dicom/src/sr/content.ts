import type { Dataset } from '../dataset.js';
import { formatDecimal } from '../values.js';
import { type CodeTriplet, codeItem, newItem, put, putCode, putSeq } from './build.js';

/**
 * SR content items (PS3.3 C.17.3 SR Document Content Module; value types in Table C.17.3-1).
 * A node is built as data, then written into Content Sequence items under its parent.
 */
export type Relationship =
  | 'CONTAINS'
  | 'HAS OBS CONTEXT'
  | 'HAS CONCEPT MOD'
  | 'HAS PROPERTIES'
  | 'INFERRED FROM'
  | 'HAS ACQ CONTEXT'
  | 'SELECTED FROM';

interface Base {
  relationship: Relationship;
  concept: CodeTriplet;
}

export type ContentNode =
  | (Base & { type: 'CONTAINER'; children: ContentNode[]; template?: string })
  | (Base & { type: 'TEXT'; text: string; children?: ContentNode[] })
  | (Base & { type: 'CODE'; code: CodeTriplet; children?: ContentNode[] })
  | (Base & { type: 'UIDREF'; uid: string })
  | (Base & { type: 'NUM'; value: number; unit: CodeTriplet; children?: ContentNode[] })
  | (Omit<Base, 'concept'> & {
      type: 'IMAGE';
      /** Absent for Image Library entries (TID 1601). */
      concept?: CodeTriplet;
      sopClassUID: string;
      sopInstanceUID: string;
      segmentNumber?: number;
      frameNumber?: number;
    })
  | (Omit<Base, 'concept'> & {
      type: 'SCOORD';
      concept?: CodeTriplet;
      graphicType: 'POINT' | 'POLYLINE';
      /** Image coordinates (column, row) pairs; (0,0) is the top-left corner of the top-left pixel (PS3.3 C.18.6.1.1). */
      points: number[];
      /** The image the coordinates are on (written as a SELECTED FROM IMAGE child). */
      image: { sopClassUID: string; sopInstanceUID: string };
    });

/** Builds a content item (without Relationship Type for the root). */
export function writeContentItem(parent: Dataset, node: ContentNode, isRoot = false): Dataset {
  const item = newItem(parent);
  if (!isRoot) put(item, 'RelationshipType', node.relationship);
  put(item, 'ValueType', node.type);
  if (node.concept) putCode(item, 'ConceptNameCodeSequence', node.concept);
  switch (node.type) {
    case 'CONTAINER':
      put(item, 'ContinuityOfContent', 'SEPARATE');
      if (node.template)
        putSeq(item, 'ContentTemplateSequence', [
          newItem(item, { MappingResource: 'DCMR', TemplateIdentifier: node.template }),
        ]);
      break;
    case 'TEXT':
      put(item, 'TextValue', node.text);
      break;
    case 'CODE':
      putCode(item, 'ConceptCodeSequence', node.code);
      break;
    case 'UIDREF':
      put(item, 'UID', node.uid);
      break;
    case 'NUM': {
      const mv = newItem(item);
      // DS holds at most 16 characters; the FD copy keeps full precision (PS3.3 C.18.1.1).
      put(mv, 'NumericValue', formatDecimal(node.value, 'DS'));
      put(mv, 'FloatingPointValue', node.value);
      putSeq(mv, 'MeasurementUnitsCodeSequence', [codeItem(mv, node.unit)]);
      putSeq(item, 'MeasuredValueSequence', [mv]);
      break;
    }
    case 'SCOORD':
      put(item, 'GraphicType', node.graphicType);
      put(item, 'GraphicData', node.points);
      break;
    case 'IMAGE': {
      const ref = newItem(item, {
        ReferencedSOPClassUID: node.sopClassUID,
        ReferencedSOPInstanceUID: node.sopInstanceUID,
      });
      if (node.frameNumber !== undefined) put(ref, 'ReferencedFrameNumber', node.frameNumber);
      if (node.segmentNumber !== undefined) put(ref, 'ReferencedSegmentNumber', node.segmentNumber);
      putSeq(item, 'ReferencedSOPSequence', [ref]);
      break;
    }
  }
  const children: ContentNode[] | undefined =
    node.type === 'SCOORD'
      ? [
          {
            relationship: 'SELECTED FROM',
            type: 'IMAGE',
            sopClassUID: node.image.sopClassUID,
            sopInstanceUID: node.image.sopInstanceUID,
          },
        ]
      : 'children' in node
        ? node.children
        : undefined;
  if (children && children.length > 0)
    putSeq(
      item,
      'ContentSequence',
      children.map((c) => writeContentItem(item, c)),
    );
  return item;
}
