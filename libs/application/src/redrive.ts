import { DeadLetterStore } from '@smartme/ports';
import { Ingestion } from './ingest';

export interface RedriveReport {
  readonly redriven: number;
  readonly stillRejected: number;
}

/**
 * Re-submits dead letters through the same intake as new input, after a fix (a producer
 * correction is new input; this is for causes that went away: a clock-skewed time that is
 * no longer in the future, a validation rule that was too strict). Those accepted, or
 * found already stored, leave the dead-letter list; the others keep their new reason.
 */
export class Redrive {
  constructor(
    private readonly deadLetters: DeadLetterStore,
    private readonly ingestion: Ingestion,
  ) {}

  async run(ids?: readonly string[]): Promise<RedriveReport> {
    const letters = await this.deadLetters.list(ids ? { ids } : undefined);
    if (letters.length === 0) return { redriven: 0, stillRejected: 0 };
    const outcomes = await this.ingestion.ingestBatch(
      // Decoded the way it came: a Kafka message with its headers (binary or structured mode).
      letters.map((letter) => ({ raw: letter.raw, source: letter.source, kafka: letter.kafka })),
      { deadLetter: false },
    );
    const redriven: string[] = [];
    let stillRejected = 0;
    for (const [i, outcome] of outcomes.entries()) {
      const letter = letters[i]!;
      if (outcome.status === 'rejected') {
        stillRejected++;
        await this.deadLetters.updateReason(letter.id, outcome.reason);
      } else {
        redriven.push(letter.id);
      }
    }
    await this.deadLetters.resolve(redriven);
    return { redriven: redriven.length, stillRejected };
  }
}
