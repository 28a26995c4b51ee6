export const VALIDATOR_PATH: string;
export function validatorSource(): string;
