import { Body, Controller, Get, Module, Param, Post } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Column, Entity, PrimaryGeneratedColumn, Repository, type MigrationInterface, type QueryRunner } from 'typeorm';
import { z } from 'zod';
import {
  ApiZodBody,
  CurrentPrincipal,
  migrationSchema,
  NotFoundError,
  PlatformModule,
  Principal,
  Roles,
  ZodValidationPipe,
} from '@switchboard/platform';

/** A minimal tenant-scoped feature used to exercise the platform end to end. */
@Entity('note')
export class NoteEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text')
  tenant!: string;

  @Column('text')
  text!: string;

  @Column('int')
  priority!: number;
}

export class CreateNotes1732300000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(
      `CREATE TABLE ${s}.note (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), tenant text NOT NULL, text text NOT NULL, priority int NOT NULL)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${migrationSchema(queryRunner)}.note`);
  }
}

const createNoteSchema = z.object({
  text: z.string().min(1).max(200),
  priority: z.number().int().min(0).max(10),
});

@Controller('v1/notes')
export class NotesController {
  constructor(@InjectRepository(NoteEntity) private readonly notes: Repository<NoteEntity>) {}

  @Post()
  @Roles('supervisor', 'admin')
  @ApiZodBody(createNoteSchema)
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(createNoteSchema)) body: z.infer<typeof createNoteSchema>,
  ): Promise<NoteEntity> {
    return this.notes.save(this.notes.create({ ...body, tenant: principal.tenant }));
  }

  @Get()
  async list(@CurrentPrincipal() principal: Principal): Promise<{ items: NoteEntity[] }> {
    return { items: await this.notes.find({ where: { tenant: principal.tenant } }) };
  }

  @Get(':id')
  async get(@CurrentPrincipal() principal: Principal, @Param('id', new ZodValidationPipe(z.uuid(), 'id')) id: string): Promise<NoteEntity> {
    const note = await this.notes.findOne({ where: { id, tenant: principal.tenant } });
    if (!note) throw new NotFoundError(`Note ${id} not found.`, 'NOTES.NOT_FOUND');
    return note;
  }
}

@Module({
  imports: [
    PlatformModule.forRoot({
      service: 'platformtest',
      defaultPort: 0,
      database: { entities: [NoteEntity], migrations: [CreateNotes1732300000001] },
    }),
    TypeOrmModule.forFeature([NoteEntity]),
  ],
  controllers: [NotesController],
})
export class NotesAppModule {}
