import { ChatKitty } from 'chatkitty-platform-sdk';

const kitty = new ChatKitty({
  clientId: 'standin-client', clientSecret: 'standin-secret',
  basePath: 'http://127.0.0.1:8080/chatkitty',
  authorizationBasePath: 'http://127.0.0.1:8080/chatkitty/oauth/token',
});
const { data: user } = await kitty.Users.createUser({ name: `jane-${Date.now()}@example.com`, displayName: 'Jane', isGuest: false });
console.log(user.id, user.name);
