import { Hono } from 'hono';
import { checkInCodeConfirmSchema, checkInConfirmSchema } from '../../../shared/src/check-in-contracts.js';
import { tokenBodySchema } from '../../../shared/src/contracts.js';
import type { AppEnv } from '../app-context.js';
import { currentUser, requireRole } from '../auth/auth-middleware.js';
import { answer } from '../lib/answer.js';
import { jsonBody } from '../lib/http.js';

/** Staff only. Throttled per staff user, as in the seeds (a stolen session cannot enumerate tokens fast). */
export const checkInRoutes = new Hono<AppEnv>()
  .use(requireRole('door', 'box_office'))
  .post('/preview', async (c) => {
    const { services } = c.var;
    await services.throttle.hit('check_in_preview', String(currentUser(c).id), services.env.THROTTLE_CHECK_IN_PREVIEW);
    const { token } = await jsonBody(c, tokenBodySchema);
    return answer(c, 'POST /api/check-ins/preview', await services.checkIns.preview(token));
  })
  .post('/confirm', async (c) => {
    const { services } = c.var;
    const user = currentUser(c);
    await services.throttle.hit('check_in_confirm', String(user.id), services.env.THROTTLE_CHECK_IN_CONFIRM);
    const { token, performance_id, device_id, event_id } = await jsonBody(c, checkInConfirmSchema);
    const admitted = await services.checkIns.confirm(token, user, { performanceId: performance_id, deviceId: device_id, eventId: event_id });
    return answer(c, 'POST /api/check-ins/confirm', admitted);
  })
  // A reservation code typed at the door, online: the same judgement, the guest's name in the
  // answer. Codes are short: the same throttle as scans keeps a stolen session from trying many.
  .post('/confirm-code', async (c) => {
    const { services } = c.var;
    const user = currentUser(c);
    await services.throttle.hit('check_in_confirm', String(user.id), services.env.THROTTLE_CHECK_IN_CONFIRM);
    const { code, performance_id, device_id, event_id } = await jsonBody(c, checkInCodeConfirmSchema);
    const admitted = await services.checkIns.confirmCode(code, user, { performanceId: performance_id, deviceId: device_id, eventId: event_id });
    return answer(c, 'POST /api/check-ins/confirm-code', admitted);
  });
