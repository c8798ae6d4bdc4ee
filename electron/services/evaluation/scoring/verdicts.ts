import { unwrapLatex } from '../../inspector/answer';
import { scoreOpen } from './openAnswers';

/**
 * CCC-style compliance verdicts, and yes/no verdicts (CCC sets phrased as questions, FinQA's yes/no items).
 *
 * Negation is the trap: "不合规" contains "合规", "non-compliant" contains "compliant", "没有违规" contains "违规". Every
 * form is matched as a whole phrase, and where phrases overlap the one that starts first wins (at the same start,
 * the longest), so a negated form always beats the plain word inside it. The first verdict after the last cue
 * ("结论", "答案", "verdict", "answer") is the verdict, else the first in the text: conclusions lead with it
 * ("不合规，因为违反了合规要求").
 *
 * The two families are not mapped onto each other: whether "是" means compliant depends on the question ("是否合规"
 * or "是否违规"), which the scorer does not see. A prediction is read in its reference's family only.
 */

export type VerdictFamily = 'compliance' | 'boolean';

export interface Verdict {
  family: VerdictFamily;
  /** Compliant, or yes. */
  positive: boolean;
}

interface Phrase {
  re: RegExp;
  family: VerdictFamily;
  positive: boolean;
}

const phrase = (source: string, family: VerdictFamily, positive: boolean): Phrase => ({ re: new RegExp(source, 'giu'), family, positive });

// Chinese yes/no only as a standalone word: "是" and "否" sit inside countless words ("是否", "这是", "否则").
const HAN_ALONE_BEFORE = '(?<!\\p{Script=Han})';
const HAN_ALONE_AFTER = '(?!\\p{Script=Han})';

const PHRASES: readonly Phrase[] = [
  phrase('(?:未|没有|无|不存在|并未|并无|未发现|没有发现|不)(?:任何)?(?:违规|违反)', 'compliance', true),
  phrase('合规|符合', 'compliance', true),
  phrase('不合规|非合规|违规|违反|不符合|存在违规', 'compliance', false),
  phrase('\\b(?:compliant|complies|comply|in compliance|no violations?|not (?:a )?violat\\w*|(?:does|did)(?: not|n[\'’]t) violate)\\b', 'compliance', true),
  phrase(
    '\\b(?:non[- ]?compliant|non[- ]?compliance|not (?:in )?complian(?:t|ce)|(?:is|are|was)n[\'’]t compliant|(?:does|did)(?: not|n[\'’]t) comply|fails? to comply|violat(?:es|ed|ion|ions|ing)|breach(?:es|ed)?)\\b',
    'compliance',
    false,
  ),
  phrase(`\\b(?:yes|true)\\b|${HAN_ALONE_BEFORE}(?:是的|是|对)${HAN_ALONE_AFTER}`, 'boolean', true),
  phrase(`\\b(?:no|false)\\b|${HAN_ALONE_BEFORE}(?:不是|否|不对)${HAN_ALONE_AFTER}`, 'boolean', false),
];

const CUE_RE = /结论|答案|判断|verdict|conclusion|answer/giu;

interface Found extends Verdict {
  start: number;
  length: number;
}

/** The verdict a text gives, in `family` when given; null when it gives none. */
export function readVerdict(text: string, family?: VerdictFamily): Verdict | null {
  const plain = unwrapLatex(text.normalize('NFKC'));
  let from = 0;
  for (const m of plain.matchAll(CUE_RE)) from = m.index + m[0].length;
  const found = firstVerdict(plain, from, family) ?? (from > 0 ? firstVerdict(plain, 0, family) : null);
  return found && { family: found.family, positive: found.positive };
}

function firstVerdict(text: string, from: number, family: VerdictFamily | undefined): Found | null {
  let best: Found | null = null;
  for (const p of PHRASES) {
    if (family && p.family !== family) continue;
    for (const m of text.matchAll(p.re)) {
      if (m.index < from) continue;
      if (!best || m.index < best.start || (m.index === best.start && m[0].length > best.length)) {
        best = { family: p.family, positive: p.positive, start: m.index, length: m[0].length };
      }
      break; // later matches of this phrase start later still
    }
  }
  return best;
}

/** How a verdict is shown: "compliant" / "non-compliant", "yes" / "no". */
export function verdictLabel(v: Verdict): string {
  if (v.family === 'compliance') return v.positive ? 'compliant' : 'non-compliant';
  return v.positive ? 'yes' : 'no';
}

/**
 * Correct when the prediction gives the reference's verdict, read in the reference's family. A reference that is no
 * verdict at all is compared as free text.
 */
export function scoreVerdict(predicted: string, reference: string): boolean {
  const want = readVerdict(reference);
  if (!want) return scoreOpen(predicted, reference);
  const got = readVerdict(predicted, want.family);
  return got !== null && got.positive === want.positive;
}
