/** A problem in a tariff file, located by the path of the offending field. */
export interface TariffIssue {
  readonly path: string;
  readonly message: string;
}

export class TariffError extends Error {
  constructor(readonly issues: readonly TariffIssue[]) {
    super(`invalid tariff: ${issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ')}`);
    this.name = 'TariffError';
  }
}
