import type { Persona, PersonaId, Turn } from './persona';

const c = (text: string): Turn => ({ speaker: 'customer', text });
const a = (text: string): Turn => ({ speaker: 'agent', text });

/**
 * The people who call a contact center, as the people who answer them describe them. Every line is
 * written for this simulator; the customer's lines are what analytics scores (the agent's never are).
 */
export const PERSONAS: Record<PersonaId, Persona> = {
  routine: {
    id: 'routine',
    title: 'Routine request',
    description: 'The bulk of the day: a bill that looks wrong, a parcel that is late, a password that expired.',
    patienceSeconds: [60, 240],
    turnGapSeconds: [2, 6],
    resolvedChance: 0.85,
    dispositionCode: 'resolved-first-contact',
    scripts: [
      [
        a('Good morning, this is {agent}, how can I help?'),
        c('Hi, my invoice this month is higher than usual and I am not sure why.'),
        a('Let me pull it up. I can see a one-off charge for the router replacement.'),
        c('Oh right, the technician did mention that. Can I pay it in two parts?'),
        a('Yes, I have split it across the next two invoices for you.'),
        c('Great, that works for me.'),
      ],
      [
        a('Hello, {agent} speaking.'),
        c('Hello, I ordered a replacement card ten days ago and it has not arrived yet.'),
        a('I am sorry about the wait. The first one was returned by the post office, the address was missing the flat number.'),
        c('Ah, that explains it. It is flat 4B.'),
        a('Updated, and a new card is on its way; it should arrive in three to five working days.'),
        c('Okay, thanks.'),
      ],
      [
        a('Hi, you are through to {agent}.'),
        c('I cannot log in to the app since the update, it keeps asking me to verify my email.'),
        a('I will send a fresh verification link now. Could you check your inbox?'),
        c('Got it, clicking it now. Yes, I am in.'),
        a('Perfect. Anything else I can do today?'),
        c('No, that was all.'),
      ],
    ],
  },

  chatter: {
    id: 'chatter',
    title: 'Calls only to chat, in the busiest hour',
    description:
      'A long-standing client who rings at peak time with no real issue, just for company. The agent cannot hang up or show impatience while the queue grows.',
    patienceSeconds: [300, 900],
    turnGapSeconds: [3, 8],
    resolvedChance: 1,
    dispositionCode: 'general-enquiry',
    scripts: [
      [
        a('Good afternoon, this is {agent}, how can I help?'),
        c('Hello dear! How are you today? Lovely weather we are having, isn’t it?'),
        a('It is, yes. Is there something on your account I can look at?'),
        c('Oh no, everything is fine. I just wanted to say hello. Did you have a nice weekend?'),
        a('I did, thank you. Anything I can help you with today?'),
        c('My grandson visited on Sunday, he is so tall now. Do you have children?'),
        a('That sounds lovely. Is there anything about your service I can check for you?'),
        c('How long have you been working there? You always sound so cheerful.'),
        c('What are your plans for the holidays?'),
        a('I am glad you called. If anything comes up with your account, we are here.'),
        c('Well, it was nice talking to you. Have a good day, dear.'),
      ],
      [
        a('Hi, {agent} here.'),
        c('Hi! How is your day going so far?'),
        a('Busy, but good. What can I do for you?'),
        c('Nothing in particular, I had a quiet afternoon and thought I would ring for a chat. What is the weather like where you are?'),
        a('A bit grey. Is there something about your account I can help with?'),
        c('Do you like your job? Tell me about yourself.'),
        c('What did you have for lunch today?'),
        a('I do need to keep the line free for other customers, but it was nice to hear from you.'),
        c('Oh of course, of course. Talk soon!'),
      ],
    ],
  },

  harasser: {
    id: 'harasser',
    title: 'The harasser',
    description:
      'Uses the call to harass the agent: personal and sexual remarks with no profanity at all, then insults and a threat. Supervisors must hear of it at once and the agent needs recovery time.',
    patienceSeconds: [120, 300],
    turnGapSeconds: [2, 5],
    resolvedChance: 0,
    dispositionCode: 'abusive-caller',
    scripts: [
      [
        a('Hello, this is {agent}, how can I help?'),
        c('Well hello there. You have a very pretty voice, you know that?'),
        a('Thank you. How can I help with your account today?'),
        c('So tell me, what are you wearing under that headset, sweetheart?'),
        a('That is not appropriate. If you have a question about your service I am happy to help.'),
        c('Come on, tell me what you are wearing. I bet you look sexy right now.'),
        a('I am ending this call now.'),
        c('You stupid bitch, you are a worthless idiot. I know where your office is and I will find you.'),
      ],
    ],
  },

  grateful: {
    id: 'grateful',
    title: 'The grateful caller',
    description: 'Calls back after a hard problem was solved to say thank you; the words that make an agent’s week should reach the agent.',
    patienceSeconds: [120, 400],
    turnGapSeconds: [2, 6],
    resolvedChance: 1,
    dispositionCode: 'compliment',
    scripts: [
      [
        a('Hello, {agent} speaking, how can I help?'),
        c('Hi {agent}, I just wanted to thank you for sorting out my mother’s account last week.'),
        a('Oh, that is kind of you to call. Is everything working for her now?'),
        c('Everything works perfectly. Thank you so much, you were incredibly patient with her and it meant the world to us.'),
        a('I am really glad to hear that.'),
        c('You are wonderful. Something wonderful will happen to you, I just know it. Thanks again!'),
      ],
      [
        a('Hi, this is {agent}.'),
        c('Hello! Quick one: the refund came through this morning, exactly as you promised.'),
        a('That is great news.'),
        c('Thank you so much for your help, I really appreciate it. You made a horrible week a lot better.'),
      ],
    ],
  },

  repeat: {
    id: 'repeat',
    title: 'The repeat caller who asks for the same agent',
    description:
      'Comes back about an open case and hopes to reach the agent who helped last time (“Hi, it’s you again!”). Routing keeps them with that agent.',
    patienceSeconds: [120, 400],
    turnGapSeconds: [2, 6],
    resolvedChance: 0.5,
    dispositionCode: 'follow-up',
    recontact: { afterSeconds: [60, 600], times: 1 },
    scripts: [
      [
        a('Hello, this is {agent}, how can I help?'),
        c('Hi, my internet drops every evening around eight, it has happened three days in a row.'),
        a('I can see some errors on the line. I will open a case and run a line test tonight.'),
        c('Okay. Can I call back tomorrow to hear what it found?'),
        a('Of course, your case number is in the text message I just sent.'),
      ],
      [
        a('Hello, {agent} speaking.'),
        c('Hi, it is you again! Lovely, I was hoping it would be you. I rang yesterday about the evening drop-outs.'),
        a('Yes, I remember. The line test found a faulty port, and it was swapped this morning.'),
        c('So it should be fine tonight? Brilliant, thank you for following it up.'),
      ],
    ],
  },

  yeller: {
    id: 'yeller',
    title: 'Yells at the new hire',
    description:
      'Furious about a bill, shouts at whoever answers and demands things the agent cannot grant. Once flagged volatile, routing keeps them away from new hires.',
    patienceSeconds: [60, 180],
    turnGapSeconds: [1, 4],
    resolvedChance: 0.2,
    dispositionCode: 'escalated-complaint',
    recontact: { afterSeconds: [120, 900], times: 1 },
    scripts: [
      [
        a('Hello, this is {agent}, I am new on the team, how can I help?'),
        c('WHY HAVE YOU CHARGED ME TWICE THIS MONTH? THIS IS RIDICULOUS!'),
        a('I am sorry, let me have a look at the account.'),
        c('I do not want you to LOOK, I want my money back NOW. Are you completely useless?'),
        a('I need to check with my team lead about the refund.'),
        c('You are an incompetent moron. Put someone on the phone who actually knows something!'),
      ],
      [
        a('Hello, {agent} speaking.'),
        c('I called yesterday and some clueless new kid had no idea what he was doing. Is ANYONE there competent?'),
        a('I am sorry about yesterday. I can see the double charge and I am refunding it now.'),
        c('Fine. It should never have taken two calls.'),
      ],
    ],
  },

  'vip-churner': {
    id: 'vip-churner',
    title: 'The VIP on the cheapest plan, about to leave',
    description:
      'A customer of many years on the cheapest circuit, let down by support one time too many and ready to cancel. Churn risk should rise and supervisors hear of it.',
    patienceSeconds: [90, 300],
    turnGapSeconds: [2, 6],
    resolvedChance: 0,
    dispositionCode: 'retention-risk',
    vip: true,
    plan: 'basic',
    recontact: { afterSeconds: [300, 1800], times: 2 },
    scripts: [
      [
        a('Good morning, {agent} here.'),
        c('I have been with you for eleven years and this is the fourth outage this month. I am very disappointed.'),
        a('I am sorry. I can see the outages on the basic circuit in your area.'),
        c('Every time I call I am told it will be fixed and nothing changes. This is terrible service.'),
        a('I can raise a priority fault and credit this month.'),
        c('A credit does not help. If it is not fixed this week I am cancelling and moving to another provider.'),
      ],
      [
        a('Hello, this is {agent}.'),
        c('It is down again. Nobody called me back about the fault. I am sick of this.'),
        a('I am sorry, the engineer visit is booked for Thursday.'),
        c('Thursday is too late. Send me the cancellation form, I am done.'),
      ],
    ],
  },
};

export function persona(id: PersonaId): Persona {
  return PERSONAS[id];
}
