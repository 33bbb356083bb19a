import type { ReservationCodeProblem } from '../../../../shared/src/reservation-code';
import { t } from '../../lib/i18n';

/*
 * What is wrong with a typed reservation code, in the staff's language: the real fault
 * ("codes never use 1, I or L") rather than a generic "not a code", so that they know what to
 * ask the guest or look at again.
 */

function wordsFor(problem: ReservationCodeProblem): string {
  switch (problem.code) {
    case 'empty':
      return t('door.code_problem.empty');
    case 'too_short':
      return t('door.code_problem.too_short', problem.params);
    case 'too_long':
      return t('door.code_problem.too_long', problem.params);
    case 'look_alike_zero':
      return t('door.code_problem.look_alike_zero', { characters: [...problem.params.characters].join(', ') });
    case 'look_alike_one':
      return t('door.code_problem.look_alike_one', { characters: [...problem.params.characters].join(', ') });
  }
}

export const codeProblemWords = (problems: readonly ReservationCodeProblem[]): string => problems.map(wordsFor).join(' ');
