import QRCode from 'qrcode';

/*
 * Every URL that carries a raw token is built here. The QR code encodes only the check-in URL:
 * an opaque token, no name, email or reservation data (seeds' security notes).
 */

export const confirmationUrl = (siteBaseUrl: string, rawToken: string) =>
  `${siteBaseUrl}/api/reservations/confirm/?token=${rawToken}`;

export const checkInUrl = (siteBaseUrl: string, rawToken: string) =>
  `${siteBaseUrl}/api/check-ins/preview/?token=${rawToken}`;

export const ticketUrl = (siteBaseUrl: string, rawToken: string) =>
  `${siteBaseUrl}/api/reservations/qr-code/?token=${rawToken}`;

export function qrCodeDataUrl(content: string): Promise<string> {
  return QRCode.toDataURL(content, { errorCorrectionLevel: 'M', margin: 2, width: 320 });
}
