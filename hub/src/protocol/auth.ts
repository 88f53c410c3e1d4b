/** Longest text field the foundation accepts anywhere (names, logins). */
export const MAX_SHORT_TEXT = 200;

/** POST /api/auth/login */
export interface LoginBody {
  login: string;
  password: string;
}

/** PATCH /api/admin/users/:id */
export interface UserStatusBody {
  disabled: boolean;
}

/** POST /api/admin/bot-tokens */
export interface BotTokenBody {
  botUserId: string;
  name: string;
}
